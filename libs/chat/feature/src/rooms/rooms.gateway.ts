import { UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ChatPayloads, ChatSocket, type RoomView, type TypingView } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { parseInput } from '@capstone/messaging';
import { ConnectedUsers } from '../realtime/connected-users.js';
import { InstanceBus } from '../realtime/instance-bus.js';
import { Presence } from '../realtime/presence.js';
import { RoomBroadcaster } from '../realtime/room-broadcaster.js';
import { SocketAckInterceptor } from '../realtime/socket-ack.interceptor.js';
import { SocketTraceInterceptor } from '../realtime/socket-trace.js';
import {
  CHAT_SOCKET_OPTIONS,
  InstanceEvent,
  roomChannel,
  type ChatConnection,
  type RoomMembersChange,
} from '../realtime/socket-types.js';
import { UserRateLimits } from '../realtime/user-rate-limits.js';
import { JoinedViews } from './joined-views.js';
import { RoomMembers } from './room-members.js';
import { RoomViews } from './room-views.js';
import { RoomsService } from './rooms.service.js';

/**
 * Socket events about rooms: creating, opening, joining and leaving them, changing a private
 * room's members, and who is typing. Opening, joining, member changes and typing count against
 * the user's rate limit for each.
 */
@WebSocketGateway(CHAT_SOCKET_OPTIONS)
@UseInterceptors(SocketTraceInterceptor, SocketAckInterceptor)
export class RoomsGateway {
  constructor(
    private readonly rooms: RoomsService,
    private readonly members: RoomMembers,
    private readonly views: RoomViews,
    private readonly joinedViews: JoinedViews,
    private readonly presence: Presence,
    private readonly broadcaster: RoomBroadcaster,
    private readonly limits: UserRateLimits,
    private readonly connected: ConnectedUsers,
    bus: InstanceBus,
  ) {
    bus.on(InstanceEvent.roomMembersChanged, (change) => this.evict(change));
  }

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

  /**
   * Starts receiving the room's events: the joiner gets who is there (`presence`, a snapshot),
   * everyone else the change if the joiner's user just came online.
   */
  @SubscribeMessage(ChatSocket.joinRoom)
  async joinRoom(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<RoomView> {
    const { user } = socket.data;
    const { roomId: requested } = parseInput(ChatPayloads.room, body);
    await this.limits.consume('join', user.userId);
    const room = await this.members.join(user, requested);
    const roomId = room._id.toHexString();
    await socket.join(roomChannel(roomId));
    await this.presence.enter(socket, roomId);
    return this.joinedViews.view(room, user.userId);
  }

  /** Stops receiving the room's events; leaving its channel takes the connection out of its presence. */
  @SubscribeMessage(ChatSocket.leaveRoom)
  async leaveRoom(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<{ roomId: string }> {
    const { roomId } = parseInput(ChatPayloads.room, body);
    await socket.leave(roomChannel(roomId));
    return { roomId };
  }

  @SubscribeMessage(ChatSocket.addMember)
  async addMember(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<RoomView> {
    const { user } = socket.data;
    const { roomId, username } = parseInput(ChatPayloads.addMember, body);
    await this.limits.consume('changeMembers', user.userId);
    return this.views.renderOne(await this.members.add(user, roomId, username), user.userId);
  }

  /** Acknowledged once every instance has applied it: the removed member has lost the room. */
  @SubscribeMessage(ChatSocket.removeMember)
  async removeMember(
    @ConnectedSocket() socket: ChatConnection,
    @MessageBody() body: unknown,
  ): Promise<{ roomId: string; userId: string }> {
    const { user } = socket.data;
    const { roomId, userId } = parseInput(ChatPayloads.removeMember, body);
    await this.limits.consume('changeMembers', user.userId);
    await this.members.remove(user, roomId, userId);
    return { roomId, userId };
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

  /** On every instance: the removed members' connections here leave the room, and are told. */
  private evict({ roomId, removed }: RoomMembersChange): void {
    for (const userId of removed) {
      for (const socket of this.connected.connectionsOf(userId)) {
        void socket.leave(roomChannel(roomId));
        socket.emit(ChatSocket.roomRemoved, { roomId });
      }
    }
  }
}
