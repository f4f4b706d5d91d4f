import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/** The gateway's Redis connection. Commands fail at once while Redis is down instead of queueing. */
export class GatewayRedis extends Redis implements OnApplicationShutdown {
  private readonly logger = new Logger(GatewayRedis.name);
  private reportedDown = false;

  constructor(url: string, keyPrefix: string) {
    super(url, {
      keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.on('error', (error: Error) => {
      if (!this.reportedDown) this.logger.warn(`Redis unavailable: ${error.message}`);
      this.reportedDown = true;
    });
    this.on('ready', () => {
      this.reportedDown = false;
    });
  }

  onApplicationShutdown(): void {
    this.disconnect();
  }
}
