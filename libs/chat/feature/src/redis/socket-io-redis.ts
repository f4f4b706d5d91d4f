import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

/**
 * The two connections of the Socket.IO Redis adapter: every broadcast an instance makes is
 * published on `pub`, and every instance hears it on `sub` and delivers it to its own sockets
 * in that room. That is what lets clients connected to different instances talk to each other.
 *
 * Unlike `ChatRedis`, these queue commands while Redis is away and retry for ever: the adapter
 * publishes without waiting for the result, so a refused command would be an unhandled rejection.
 */
export class SocketIoRedis implements OnApplicationShutdown {
  private readonly logger = new Logger(SocketIoRedis.name);
  private readonly pub: Redis;
  private readonly sub: Redis;

  /** `channelPrefix` keeps deployments (and test runs) sharing one Redis from hearing each other. */
  constructor(
    url: string,
    private readonly channelPrefix: string,
  ) {
    this.pub = new Redis(url, { maxRetriesPerRequest: null });
    // No ready check (an INFO command) on the subscriber: ioredis 5 can send it after the adapter's
    // SUBSCRIBE, which Redis refuses in subscriber mode, and the instance then hears no other
    // instance (redis/ioredis#2037, fixed in ioredis 6).
    this.sub = this.pub.duplicate({ enableReadyCheck: false });
    for (const client of [this.pub, this.sub]) {
      client.on('error', (error: Error) => this.logger.warn(`adapter Redis: ${error.message}`));
    }
  }

  adapter(): ReturnType<typeof createAdapter> {
    return createAdapter(this.pub, this.sub, { key: this.channelPrefix });
  }

  onApplicationShutdown(): void {
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
