import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@capstone/contracts';
import { errorMessage } from '@capstone/errors';
import { context } from '@opentelemetry/api';
import amqp, { type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import type { ClaimedEvent } from './outbox-store.js';
import { contextOf } from './trace-context.js';

/** What became of each event of a batch. */
export interface PublishedBatch {
  /** Confirmed by RabbitMQ and routed to at least one queue. */
  readonly confirmed: ClaimedEvent[];
  /** Returned by RabbitMQ: no queue is bound for its routing key. */
  readonly returned: ClaimedEvent[];
  /** Not confirmed: nacked, the channel closed, or no confirm came within the timeout. */
  readonly unconfirmed: ClaimedEvent[];
  /** Why some were not confirmed; none when all were. */
  readonly failure?: Error;
}

/** A broker that stopped answering never acknowledges a close; its socket goes with its heartbeat. */
const CLOSE_WAIT_MS = 1_000;

/** Whether `work` settles within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const late = sleep(ms, false, { signal: timer.signal }).catch(() => false);
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    timer.abort();
  }
}

/**
 * The relay's confirm channel to the events exchange. An event some queue is meant to receive is
 * published `mandatory`, so that RabbitMQ returns it if that queue is missing instead of
 * confirming and dropping it, and no wait for RabbitMQ (opening a channel, confirms) lasts longer
 * than `confirmTimeoutMs`: a broker that blocks publishers (a memory or disk alarm) or stops
 * answering is given up on.
 */
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);
  private connection: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  /** The ids of the current batch's events that RabbitMQ returned. */
  private returns = new Set<string>();

  constructor(
    private readonly amqpUrl: string,
    private readonly confirmTimeoutMs: number,
    /** Whether a queue is meant to receive the event: only those are published `mandatory`. */
    private readonly expectsQueue: (eventName: string) => boolean,
  ) {}

  get connected(): boolean {
    return this.channel !== undefined;
  }

  /** Opens the confirm channel unless it is open. */
  async connect(): Promise<void> {
    if (this.channel) return;
    // A connection whose channel the broker closed (a channel error) is not reused, nor left open.
    await this.disconnect();
    const connection = await amqp.connect(this.amqpUrl, { timeout: this.confirmTimeoutMs });
    this.connection = connection;
    connection.on('error', () => undefined);
    // A connection let go may close long after a newer one took its place: only its own state goes.
    connection.on('close', () => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      this.channel = undefined;
    });
    connection.on('blocked', (reason: string) =>
      this.logger.warn(`RabbitMQ blocks publishers (${reason}); events wait in the outbox`),
    );
    const opening = connection.createConfirmChannel().then(async (channel) => {
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (this.channel === channel) this.channel = undefined;
      });
      // RabbitMQ sends a message's return before its confirm, so the batch knows it in time.
      channel.on('return', (message: Message) => {
        if (this.channel === channel) this.returns.add(String(message.properties.messageId));
      });
      await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
      return channel;
    });
    if (!(await settlesWithin(opening, this.confirmTimeoutMs))) {
      await this.disconnect();
      throw new Error(`RabbitMQ did not open a channel within ${this.confirmTimeoutMs} ms`);
    }
    this.channel = await opening;
  }

  /** Publishes the events in order and waits for RabbitMQ's confirms, at most `confirmTimeoutMs`. */
  async publish(events: readonly ClaimedEvent[]): Promise<PublishedBatch> {
    const returns = new Set<string>();
    this.returns = returns;
    const acked = new Set<string>();
    const settled = Promise.allSettled(
      events.map((event) => this.publishOne(event).then(() => acked.add(event.id))),
    );
    const inTime = await settlesWithin(settled, this.confirmTimeoutMs);
    // Confirms that come later are not waited for; a blocked connection is let go.
    if (!inTime) await this.disconnect();

    const unconfirmed = events.filter((event) => !acked.has(event.id));
    const batch = {
      confirmed: events.filter((event) => acked.has(event.id) && !returns.has(event.id)),
      returned: events.filter((event) => acked.has(event.id) && returns.has(event.id)),
      unconfirmed,
    };
    if (unconfirmed.length === 0) return batch;
    const refusal = inTime
      ? (await settled).find((result) => result.status === 'rejected')?.reason
      : `no confirm within ${this.confirmTimeoutMs} ms`;
    const failure = new Error(
      `RabbitMQ did not confirm ${unconfirmed.length} of ${events.length} events: ${errorMessage(refusal)}`,
    );
    return { ...batch, failure };
  }

  async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    if (connection)
      await settlesWithin(
        connection.close().catch(() => undefined),
        CLOSE_WAIT_MS,
      );
  }

  /** Resolves when RabbitMQ confirms the event, rejects when it refuses it or cannot take it. */
  private publishOne(event: ClaimedEvent): Promise<void> {
    const envelope: EventEnvelope<unknown> = {
      eventId: event.id,
      name: event.name,
      occurredAt: event.occurredAt.toISOString(),
      data: event.data,
    };
    // `{ pattern, data }` is the packet shape Nest's RMQ transport reads on the consumer side.
    const body = Buffer.from(JSON.stringify({ pattern: event.name, data: envelope }));
    return new Promise((resolve, reject) => {
      const channel = this.channel;
      if (!channel) return reject(new Error('no channel to RabbitMQ'));
      const confirmed = (error: unknown) => (error ? reject(error) : resolve());
      try {
        // Published in the writer's trace: the amqplib instrumentation puts it in the headers.
        context.with(contextOf(event.traceContext), () =>
          channel.publish(
            EVENTS_EXCHANGE,
            event.name,
            body,
            {
              mandatory: this.expectsQueue(event.name),
              persistent: true,
              messageId: event.id,
              contentType: 'application/json',
              timestamp: Math.floor(event.occurredAt.getTime() / 1000),
            },
            confirmed,
          ),
        );
      } catch (error) {
        // amqplib throws when the channel has closed under us.
        reject(error);
      }
    });
  }
}
