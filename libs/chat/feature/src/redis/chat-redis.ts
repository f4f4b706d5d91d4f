import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * The chat's Redis connection for presence and rate limits. Every key gets the deployment's
 * prefix. Commands fail at once while Redis is down instead of queueing, so nobody waits on them.
 */
export class ChatRedis extends Redis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChatRedis.name);
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

  /** Gives the connection a moment before traffic arrives; if Redis is down, start not ready. */
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
