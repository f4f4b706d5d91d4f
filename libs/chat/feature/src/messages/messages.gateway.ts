import { UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  type ChatMessageView,
  ChatPayloads,
  ChatSocket,
  type ReadReceiptView,
} from '@capstone/contracts';
import { parseInput } from '@capstone/messaging';
import { RoomBroadcaster } from '../realtime/room-broadcaster.js';
import { SocketAckInterceptor } from '../realtime/socket-ack.interceptor.js';
import { SocketTraceInterceptor } from '../realtime/socket-trace.js';
import { CHAT_SOCKET_OPTIONS, type ChatConnection } from '../realtime/socket-types.js';
import { UserRateLimits } from '../realtime/user-rate-limits.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { MessagesService, type MissedMessages } from './messages.service.js';
import { ReadMarkers } from './read-markers.js';

/**
 * Socket events about messages. The sender learns the outcome from the acknowledgement, which
 * comes only after MongoDB stored the change; everyone else in the room gets an event, in the
 * trace of the change. Every change counts against the user's rate limit for its kind. A send
 * waits for two round trips: the rate limit's count in Redis (while the room's access is read,
 * usually from this instance's cache) and the insert.
 */
@WebSocketGateway(CHAT_SOCKET_OPTIONS)
@UseInterceptors(SocketTraceInterceptor, SocketAckInterceptor)
export class MessagesGateway {
  constructor(
    private readonly messages: MessagesService,
    private readonly rooms: RoomsService,
    private readonly markers: ReadMarkers,
    private readonly limits: UserRateLimits,
    private readonly broadcaster: RoomBroadcaster,
  ) {}

  /**
   * A repeated send (same client id) is answered with the stored message and announced again:
   * delivery is at least once, and clients keep messages by id.
   */
  @SubscribeMessage(ChatSocket.sendMessage)
  async send(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<ChatMessageView> {
    const request = parseInput(ChatPayloads.send, body);
    const { user } = socket.data;
    const room = await this.limits.consumeWhile(
      'send',
      user.userId,
      this.rooms.accessible(user.userId, request.roomId),
    );
    const message = await this.messages.send(user, request, room);
    this.broadcaster.message(ChatSocket.messageCreated, message, socket);
    return message;
  }

  @SubscribeMessage(ChatSocket.editMessage)
  async edit(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<ChatMessageView> {
    const { messageId, text } = parseInput(ChatPayloads.edit, body);
    await this.limits.consume('edit', socket.data.user.userId);
    const message = await this.messages.edit(socket.data.user, messageId, text);
    this.broadcaster.message(ChatSocket.messageEdited, message, socket);
    return message;
  }

  @SubscribeMessage(ChatSocket.deleteMessage)
  async delete(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<ChatMessageView> {
    const { messageId } = parseInput(ChatPayloads.message, body);
    await this.limits.consume('delete', socket.data.user.userId);
    const message = await this.messages.delete(socket.data.user, messageId);
    this.broadcaster.message(ChatSocket.messageDeleted, message, socket);
    return message;
  }

  @SubscribeMessage(ChatSocket.markRead)
  async markRead(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<ReadReceiptView> {
    const { roomId, messageId } = parseInput(ChatPayloads.markRead, body);
    await this.limits.consume('read', socket.data.user.userId);
    const receipt = await this.markers.markRead(socket.data.user, roomId, messageId);
    this.broadcaster.to(roomId, socket).emit(ChatSocket.readReceipt, receipt);
    return receipt;
  }

  /** What a reconnecting client missed in a room: the messages after the last one it has, oldest first. */
  @SubscribeMessage(ChatSocket.missedSince)
  missedSince(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<MissedMessages> {
    return this.messages.since(socket.data.user, parseInput(ChatPayloads.missedSince, body));
  }
}
