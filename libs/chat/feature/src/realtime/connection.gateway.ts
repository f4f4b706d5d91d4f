import { Logger } from '@nestjs/common';
import {
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { errorMessage } from '@capstone/errors';
import { SocketIoRedis } from '../redis/socket-io-redis.js';
import { UserDirectory } from '../users/user-directory.js';
import { ConnectedUsers } from './connected-users.js';
import { ConnectionExpiry } from './connection-expiry.js';
import { ConnectionQuota } from './connection-quota.js';
import { InstanceBus } from './instance-bus.js';
import { Presence } from './presence.js';
import { RoomBroadcaster } from './room-broadcaster.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { countConnection } from './socket-metrics.js';
import {
  CHAT_SOCKET_OPTIONS,
  sessionChannel,
  type ChatConnection,
  type ChatServer,
} from './socket-types.js';

/**
 * The life of a connection: the server is set up to share rooms across instances (Redis adapter)
 * and to authenticate every handshake, whose user is looked up in (or recorded in) the users
 * projection for their current name; a user's connections are counted against a cap; a connection
 * ends when its token expires, and leaving a room's channel takes it out of the room's presence.
 * Nothing here keeps a timer or a listener per connection: the services below hold what they need.
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
    private readonly connected: ConnectedUsers,
    private readonly expiry: ConnectionExpiry,
    private readonly bus: InstanceBus,
  ) {}

  afterInit(server: ChatServer): void {
    server.adapter(this.redis.adapter());
    server.use(this.authenticator.middleware);
    server.use(this.quota.middleware);
    // Before the client hears it is connected, so others can find it by name right away; the
    // name it sends messages under is the newest the projection knows.
    server.use((socket, next) => {
      socket.data.userVersion = -1;
      void this.bestEffort('user not recorded', async () => {
        const { username, version } = await this.users.known(socket.data.user);
        socket.data.user = { userId: socket.data.user.userId, username };
        socket.data.userVersion = version;
      }).then(() => next());
    });
    this.broadcaster.attach(server);
    this.presence.attach(server);
    this.bus.attach(server);
  }

  async handleConnection(socket: ChatConnection): Promise<void> {
    countConnection(1);
    this.connected.add(socket);
    this.expiry.watch(socket);
    // So that revoking the session can end this connection, on whichever instance it is.
    await socket.join(sessionChannel(socket.data.sessionId));
  }

  handleDisconnect(socket: ChatConnection): void {
    countConnection(-1);
    this.connected.remove(socket);
    this.expiry.forget(socket);
    this.quota.release(socket);
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
