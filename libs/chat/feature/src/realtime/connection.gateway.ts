import { Logger } from '@nestjs/common';
import {
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { ChatSocket } from '@capstone/contracts';
import { SocketIoRedis } from '../redis/socket-io-redis.js';
import { UserDirectory } from '../users/user-directory.js';
import { ConnectionQuota } from './connection-quota.js';
import { Presence } from './presence.js';
import { RoomBroadcaster } from './room-broadcaster.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import {
  CHAT_SOCKET_OPTIONS,
  sessionChannel,
  type ChatConnection,
  type ChatServer,
} from './socket-types.js';
import { errorMessage } from '@capstone/errors';
import { countConnection } from './socket-metrics.js';

/**
 * The life of a connection: the server is set up to share rooms across instances (Redis adapter)
 * and to authenticate every handshake, whose user is recorded in the users projection if new; a
 * user's connections are counted against a cap; a connection ends when its token expires, and
 * closing takes it out of every room's presence.
 */
@WebSocketGateway(CHAT_SOCKET_OPTIONS)
export class ConnectionGateway
  implements
    OnGatewayInit<ChatServer>,
    OnGatewayConnection<ChatConnection>,
    OnGatewayDisconnect<ChatConnection>
{
  private readonly logger = new Logger(ConnectionGateway.name);

  constructor(
    private readonly redis: SocketIoRedis,
    private readonly authenticator: SocketAuthenticator,
    private readonly quota: ConnectionQuota,
    private readonly broadcaster: RoomBroadcaster,
    private readonly presence: Presence,
    private readonly users: UserDirectory,
  ) {}

  afterInit(server: ChatServer): void {
    server.adapter(this.redis.adapter());
    server.use(this.authenticator.middleware);
    server.use(this.quota.middleware);
    // Before the client hears it is connected, so others can find it by name right away.
    server.use((socket, next) => {
      void this.bestEffort('user not recorded', () =>
        this.users.ensureKnown(socket.data.user),
      ).then(() => next());
    });
    this.broadcaster.attach(server);
  }

  async handleConnection(socket: ChatConnection): Promise<void> {
    countConnection(1);
    this.quota.track(socket);
    this.authenticator.disconnectAtExpiry(socket);
    // So that revoking the session can end this connection, on whichever instance it is.
    await socket.join(sessionChannel(socket.data.sessionId));
  }

  async handleDisconnect(socket: ChatConnection): Promise<void> {
    countConnection(-1);
    await this.bestEffort('presence not updated', async () => {
      for (const view of await this.presence.leaveAll(socket.id)) {
        this.broadcaster.to(view.roomId).emit(ChatSocket.presence, view);
      }
    });
  }

  /** Connection events have nobody to answer: a failure is logged, never thrown. */
  private async bestEffort(msg: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn({ msg, error: errorMessage(error) });
    }
  }
}
