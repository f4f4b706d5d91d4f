import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChatRpc, MessagePage, RoomPage, type AccessTokenClaims } from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser } from '@capstone/security';
import { CHAT_SERVICE } from '../broker/broker.module.js';
import type { z } from 'zod';
import { ParamOf, QueryOf, Returns, StrictQueries } from '../http/contract-params.js';
import { HistoryPageQuery, RoomId, RoomListQuery } from './chat.schemas.js';

/** Chat rooms and history over REST, for pages that load before their socket connects. */
@ApiTags('chat')
@ApiBearerAuth()
@StrictQueries()
@Controller('chat/rooms')
export class ChatController {
  constructor(@Inject(CHAT_SERVICE) private readonly chat: BrokerClient) {}

  @Get()
  @ApiOperation({
    summary:
      'Public rooms and the rooms the caller belongs to, most recently active first, with unread counts; `hasMore` if the page at offset + limit has rooms',
  })
  @Returns(200, RoomPage)
  rooms(
    @QueryOf(RoomListQuery) page: z.output<typeof RoomListQuery>,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<RoomPage> {
    return this.chat.send(ChatRpc.listRooms, { viewerId: caller.sub, ...page });
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
