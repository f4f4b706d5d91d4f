import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * A Redis connection for a Nest app. Every key gets the deployment's prefix. Commands fail at once
 * while Redis is down instead of queueing, so no request waits on them; the outage is logged once.
 * Apps subclass it to give each connection its own injection token.
 */
export class ManagedRedis extends Redis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
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

  /**
   * Gives the connection a moment before the app takes traffic, so the first requests are not
   * served without Redis by accident. If Redis is down, start anyway: readiness tells.
   */
  async onModuleInit(): Promise<void> {
    if (this.status === 'ready') return;
    const abort = new AbortController();
    await Promise.race([once(this, 'ready', { signal: abort.signal }), delay(2_000)]).catch(
      () => undefined,
    );
    abort.abort();
  }

  onApplicationShutdown(): void {
    this.disconnect();
  }
}
