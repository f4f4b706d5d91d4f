import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChatRpc, MessagePage, type AccessTokenClaims, type RoomView } from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser } from '@capstone/security';
import { CHAT_SERVICE } from '../broker/broker.module.js';
import type { z } from 'zod';
import { ParamOf, QueryOf, Returns, StrictQueries } from '../http/contract-params.js';
import { HistoryPageQuery, RoomId, RoomsResponse } from './chat.schemas.js';

/** Chat rooms and history over REST, for pages that load before their socket connects. */
@ApiTags('chat')
@ApiBearerAuth()
@StrictQueries()
@Controller('chat/rooms')
export class ChatController {
  constructor(@Inject(CHAT_SERVICE) private readonly chat: BrokerClient) {}

  @Get()
  @ApiOperation({ summary: 'Public rooms and the rooms the caller belongs to, with unread counts' })
  @Returns(200, RoomsResponse)
  async rooms(@CurrentUser() caller: AccessTokenClaims): Promise<{ rooms: RoomView[] }> {
    return { rooms: await this.chat.send(ChatRpc.listRooms, { viewerId: caller.sub }) };
  }

  @Get(':id/messages')
  @ApiOperation({
    summary:
      'Messages of a room, newest first; pass the oldest id you have as `before` for the page before it',
  })
  @Returns(200, MessagePage)
  messages(
    @ParamOf('id', RoomId, { notFound: 'room' }) roomId: string,
    @QueryOf(HistoryPageQuery) query: z.output<typeof HistoryPageQuery>,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<MessagePage> {
    return this.chat.send(ChatRpc.history, {
      viewerId: caller.sub,
      roomId,
      limit: query.limit,
      ...(query.before ? { before: query.before } : {}),
    });
  }
}
