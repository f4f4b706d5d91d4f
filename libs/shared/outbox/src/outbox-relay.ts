import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@capstone/contracts';
import { context } from '@opentelemetry/api';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { In, LessThan, type DataSource } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity.js';
import { contextOf } from './trace-context.js';
import { errorMessage } from '@capstone/errors';

export interface OutboxRelayOptions {
  readonly amqpUrl: string;
  /** How often to look for unpublished events when nobody asked for an early run. */
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  readonly retentionMs?: number;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * Publishes outbox rows to the events exchange and marks them published only after RabbitMQ has
 * confirmed them. While the broker is unreachable rows simply wait; nothing is lost, and a crash
 * between publish and mark means the event goes out again (consumers ignore repeats by `eventId`).
 * Several instances may run: rows are claimed with `FOR UPDATE SKIP LOCKED`.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private connection: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = true;
  private lastPurge = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: OutboxRelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.disconnect();
  }

  /** Asks for a run as soon as possible, e.g. right after a transaction that recorded events. */
  publishSoon(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** True while the relay holds an open confirm channel to the broker. */
  get connected(): boolean {
    return this.channel !== undefined;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private run(): Promise<void> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.failures);
      const idle = this.options.pollIntervalMs ?? 500;
      const delay = this.failures > 0 ? backoff : this.again ? 0 : idle;
      this.again = false;
      this.schedule(delay);
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      const channel = await this.openChannel();
      const batchSize = this.options.batchSize ?? 100;
      while (!this.stopped && (await this.publishBatch(channel, batchSize)) === batchSize);
      await this.purgeOldRows();
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn(`events wait in the outbox: ${errorMessage(error)}`);
      }
      await this.disconnect();
    }
  }

  private publishBatch(channel: ConfirmChannel, batchSize: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const batch = await manager
        .createQueryBuilder(OutboxMessage, 'message')
        .where('message.publishedAt IS NULL')
        .orderBy('message.occurredAt', 'ASC')
        .addOrderBy('message.id', 'ASC')
        .limit(batchSize)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (batch.length === 0) return 0;
      for (const message of batch) {
        const envelope: EventEnvelope<unknown> = {
          eventId: message.id,
          name: message.name,
          occurredAt: message.occurredAt.toISOString(),
          data: message.data,
        };
        // `{ pattern, data }` is the packet shape Nest's RMQ transport reads on the consumer side.
        const body = Buffer.from(JSON.stringify({ pattern: message.name, data: envelope }));
        // Published in the writer's trace: the amqplib instrumentation puts it in the headers.
        context.with(contextOf(message.traceContext), () =>
          channel.publish(EVENTS_EXCHANGE, message.name, body, {
            persistent: true,
            messageId: message.id,
            contentType: 'application/json',
            timestamp: Math.floor(message.occurredAt.getTime() / 1000),
          }),
        );
      }
      await channel.waitForConfirms();
      await manager.update(
        OutboxMessage,
        { id: In(batch.map((m) => m.id)) },
        { publishedAt: new Date() },
      );
      this.logger.debug({ msg: 'published events', count: batch.length });
      return batch.length;
    });
  }

  private async purgeOldRows(): Promise<void> {
    const retentionMs = this.options.retentionMs ?? 24 * 60 * 60 * 1000;
    if (Date.now() - this.lastPurge < 60_000) return;
    this.lastPurge = Date.now();
    await this.dataSource
      .getRepository(OutboxMessage)
      .delete({ publishedAt: LessThan(new Date(Date.now() - retentionMs)) });
  }

  private async openChannel(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const connection = await amqp.connect(this.options.amqpUrl, { timeout: 3_000 });
    connection.on('error', () => undefined);
    connection.on('close', () => {
      this.connection = undefined;
      this.channel = undefined;
    });
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => {
      this.channel = undefined;
    });
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    this.connection = connection;
    this.channel = channel;
    return channel;
  }

  private async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    await connection?.close().catch(() => undefined);
  }
}
