import { UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  ChatPayloads,
  ChatSocket,
  type PresenceView,
  type RoomView,
  type TypingView,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { parseInput } from '@capstone/messaging';
import { Presence } from '../realtime/presence.js';
import { RoomBroadcaster } from '../realtime/room-broadcaster.js';
import { SocketAckInterceptor } from '../realtime/socket-ack.interceptor.js';
import { SocketTraceInterceptor } from '../realtime/socket-trace.js';
import { CHAT_SOCKET_OPTIONS, roomChannel, type ChatConnection } from '../realtime/socket-types.js';
import { UserRateLimits } from '../realtime/user-rate-limits.js';
import { RoomViews } from './room-views.js';
import { RoomsService } from './rooms.service.js';

/**
 * Socket events about rooms: creating, opening, joining and leaving them, and who is typing.
 * Opening, joining and typing count against the user's rate limit for each.
 */
@WebSocketGateway(CHAT_SOCKET_OPTIONS)
@UseInterceptors(SocketTraceInterceptor, SocketAckInterceptor)
export class RoomsGateway {
  constructor(
    private readonly rooms: RoomsService,
    private readonly views: RoomViews,
    private readonly presence: Presence,
    private readonly broadcaster: RoomBroadcaster,
    private readonly limits: UserRateLimits,
  ) {}

  @SubscribeMessage(ChatSocket.createRoom)
  async createRoom(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<RoomView> {
    const { user } = socket.data;
    const room = await this.rooms.create(user, parseInput(ChatPayloads.createRoom, body));
    return this.views.renderOne(room, user.userId);
  }

  @SubscribeMessage(ChatSocket.openDirect)
  async openDirect(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<RoomView> {
    const { user } = socket.data;
    const { username } = parseInput(ChatPayloads.openDirect, body);
    await this.limits.consume('openDirect', user.userId);
    return this.views.renderOne(await this.rooms.openDirect(user, username), user.userId);
  }

  /** Starts receiving the room's events; everyone in it (the joiner too) gets the new presence. */
  @SubscribeMessage(ChatSocket.joinRoom)
  async joinRoom(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<RoomView> {
    const { user } = socket.data;
    const { roomId: requested } = parseInput(ChatPayloads.room, body);
    await this.limits.consume('join', user.userId);
    const room = await this.rooms.join(user, requested);
    const roomId = room._id.toHexString();
    await socket.join(roomChannel(roomId));
    this.announce(await this.presence.enter(roomId, socket.id, user));
    return this.views.renderOne(room, user.userId);
  }

  @SubscribeMessage(ChatSocket.leaveRoom)
  async leaveRoom(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<{ roomId: string }> {
    const { roomId } = parseInput(ChatPayloads.room, body);
    if (!socket.rooms.has(roomChannel(roomId))) return { roomId };
    await socket.leave(roomChannel(roomId));
    this.announce(await this.presence.leave(roomId, socket.id));
    return { roomId };
  }

  /** Tells the others in a room (not the typist) that someone started or stopped typing. */
  @SubscribeMessage(ChatSocket.typing)
  async typing(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<TypingView> {
    const { roomId, typing } = parseInput(ChatPayloads.typing, body);
    // Only from a room the socket joined, which it could only do if it may: no database needed.
    if (!socket.rooms.has(roomChannel(roomId))) throw ServiceError.invalid('room', 'join it first');
    await this.limits.consume('typing', socket.data.user.userId);
    const view = { roomId, user: socket.data.user, typing };
    this.broadcaster.to(roomId, socket).emit(ChatSocket.typingChanged, view);
    return view;
  }

  private announce(presence: PresenceView): void {
    this.broadcaster.to(presence.roomId).emit(ChatSocket.presence, presence);
  }
}
