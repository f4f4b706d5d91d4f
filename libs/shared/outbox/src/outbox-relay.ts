import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { brokerTopology } from '@capstone/contracts';
import { errorMessage } from '@capstone/errors';
import type { DataSource } from 'typeorm';
import { recordReturnedEvent } from './outbox-metrics.js';
import { OutboxPublisher } from './outbox-publisher.js';
import { OutboxStore, type ClaimedEvent } from './outbox-store.js';

export interface OutboxRelayOptions {
  readonly amqpUrl: string;
  /** How often to look for unpublished events when nobody asked for an early run. */
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  readonly retentionMs?: number;
  /**
   * How long RabbitMQ has to confirm a batch (or to open a channel) before the relay gives up,
   * reconnects and publishes the unconfirmed events again.
   */
  readonly confirmTimeoutMs?: number;
  /**
   * How long an event RabbitMQ returned (no queue bound for it) waits before it is published
   * again; the wait doubles with each return, up to `returnedRetryMaxMs`.
   */
  readonly returnedRetryMs?: number;
  readonly returnedRetryMaxMs?: number;
  /**
   * Whether some queue is meant to receive an event. Such events are published `mandatory`: one
   * RabbitMQ returns (its queue is missing) stays in the outbox. Others, which nobody consumes,
   * are confirmed and dropped by the exchange. By default, the events the contracts' broker
   * topology binds a queue for.
   */
  readonly expectsQueue?: (eventName: string) => boolean;
}

type RelaySettings = Required<Omit<OutboxRelayOptions, 'amqpUrl' | 'expectsQueue'>>;

function settingsOf(options: OutboxRelayOptions): RelaySettings {
  return {
    pollIntervalMs: options.pollIntervalMs ?? 500,
    batchSize: options.batchSize ?? 100,
    retentionMs: options.retentionMs ?? 24 * 60 * 60 * 1000,
    confirmTimeoutMs: options.confirmTimeoutMs ?? 10_000,
    returnedRetryMs: options.returnedRetryMs ?? 1_000,
    returnedRetryMaxMs: options.returnedRetryMaxMs ?? 60_000,
  };
}

/** The events some queue of the contracts' broker topology is bound for. */
const consumedEvents = new Set(
  brokerTopology.eventsQueues.flatMap((entry) => entry.events.map((event) => event.name)),
);

const MAX_BACKOFF_MS = 5_000;
const PURGE_INTERVAL_MS = 60_000;

/**
 * Publishes outbox rows to the events exchange and marks them published only after RabbitMQ has
 * confirmed them. While the broker is unreachable rows simply wait; nothing is lost, and a crash
 * between publish and mark means the event goes out again (consumers ignore repeats by `eventId`).
 * Several instances may run: each claims its rows for a while (`OutboxStore.claim`), so no
 * transaction is open while RabbitMQ is waited for. Events go out oldest first, but their order
 * is not guaranteed (several relays, retries): consumers order by the aggregate's version.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly settings: RelaySettings;
  private readonly store: OutboxStore;
  private readonly publisher: OutboxPublisher;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = true;
  private lastPurge = 0;

  constructor(dataSource: DataSource, options: OutboxRelayOptions) {
    this.settings = settingsOf(options);
    this.store = new OutboxStore(dataSource);
    this.publisher = new OutboxPublisher(
      options.amqpUrl,
      this.settings.confirmTimeoutMs,
      options.expectsQueue ?? ((eventName) => consumedEvents.has(eventName)),
    );
  }

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
    await this.publisher.disconnect();
  }

  /** Asks for a run as soon as possible, e.g. right after a transaction that recorded events. */
  publishSoon(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** True while the relay holds an open confirm channel to the broker. */
  get connected(): boolean {
    return this.publisher.connected;
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
      const delay = this.failures > 0 ? backoff : this.again ? 0 : this.settings.pollIntervalMs;
      this.again = false;
      this.schedule(delay);
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      await this.publisher.connect();
      while (!this.stopped && (await this.publishBatch()) === this.settings.batchSize);
      await this.purgeOldRows();
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn(`events wait in the outbox: ${errorMessage(error)}`);
      }
      await this.publisher.disconnect();
    }
  }

  /** Claims, publishes and settles one batch; answers how many events it claimed. */
  private async publishBatch(): Promise<number> {
    const { batchSize, confirmTimeoutMs } = this.settings;
    // The claim outlasts the longest a batch may wait for its confirms, with room to settle it.
    const claimed = await this.store.claim(batchSize, 3 * confirmTimeoutMs);
    if (claimed.length === 0) return 0;
    const batch = await this.publisher.publish(claimed);
    await this.store.markPublished(batch.confirmed.map((event) => event.id));
    await this.postponeReturned(batch.returned);
    await this.store.release(batch.unconfirmed.map((event) => event.id));
    if (batch.failure) throw batch.failure;
    this.logger.debug({ msg: 'published events', count: batch.confirmed.length });
    return claimed.length;
  }

  /**
   * An event no queue is bound for stays in the outbox and is published again after a back-off
   * of its own, so that it neither spins nor holds up the events behind it.
   */
  private async postponeReturned(returned: readonly ClaimedEvent[]): Promise<void> {
    const { returnedRetryMs, returnedRetryMaxMs } = this.settings;
    const postponed = returned.map((event) => {
      const retryInMs = Math.min(returnedRetryMaxMs, returnedRetryMs * 2 ** event.returnedCount);
      recordReturnedEvent(event.name);
      this.logger.warn({
        msg: 'RabbitMQ returned an event: no queue is bound for its routing key; it stays in the outbox',
        eventId: event.id,
        event: event.name,
        routingKey: event.name,
        returnedCount: event.returnedCount + 1,
        retryInMs,
      });
      return { id: event.id, retryInMs };
    });
    await this.store.postpone(postponed);
  }

  private async purgeOldRows(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = Date.now();
    await this.store.purgePublished(this.settings.retentionMs);
  }
}
