import type { DataSource } from 'typeorm';
import type { TraceCarrier } from './trace-context.js';

/** An unpublished event a relay has claimed: no relay claims it again until its lease ends. */
export interface ClaimedEvent {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly occurredAt: Date;
  readonly traceContext: TraceCarrier | null;
  /** How many times RabbitMQ returned it before (no queue was bound for its name). */
  readonly returnedCount: number;
}

interface ClaimedRow {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly occurred_at: Date;
  readonly trace_context: TraceCarrier | null;
  readonly returned_count: number;
}

/** An event RabbitMQ returned, and how long it waits before it is published again. */
export interface ReturnedEvent {
  readonly id: string;
  readonly retryInMs: number;
}

/**
 * Deletes up to `$2` rows published more than `$1` milliseconds ago. The subquery reads
 * `outbox_published_idx`, so a purge costs what it deletes, not the size of the table, and the
 * limit keeps each statement short.
 */
export const PURGE_PUBLISHED_SQL = `
  DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox WHERE published_at < now() - $1 * interval '1 millisecond' LIMIT $2)`;

const PURGE_BATCH = 1_000;

/**
 * The relay's statements on the outbox table. Each is one short statement in a transaction of its
 * own: nothing here holds a lock or a transaction while RabbitMQ is waited for.
 */
export class OutboxStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` due events, oldest first, and hides them from every relay for `leaseMs`.
   * `SKIP LOCKED` lets relays claim side by side; a relay that dies holding a claim only delays
   * its events until the lease ends, when another relay publishes them.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
    const rows = await this.dataSource.query<ClaimedRow[]>(
      `WITH claimed AS (
         UPDATE outbox SET next_attempt_at = now() + $2 * interval '1 millisecond'
          WHERE id IN (
            SELECT id FROM outbox
             WHERE published_at IS NULL AND next_attempt_at <= now()
             ORDER BY occurred_at, id
             LIMIT $1
             FOR UPDATE SKIP LOCKED)
          RETURNING id, name, data, occurred_at, trace_context, returned_count)
       SELECT * FROM claimed ORDER BY occurred_at, id`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      data: row.data,
      occurredAt: row.occurred_at,
      traceContext: row.trace_context,
      returnedCount: row.returned_count,
    }));
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1)`, [ids]);
  }

  /** Ends the claim on events that were not confirmed, so that the next run publishes them again. */
  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE outbox SET next_attempt_at = now() WHERE id = ANY($1) AND published_at IS NULL`,
      [ids],
    );
  }

  /** Counts a return and holds each event back for its back-off; the events behind go on. */
  async postpone(events: readonly ReturnedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.dataSource.query(
      `UPDATE outbox
          SET returned_count = outbox.returned_count + 1,
              next_attempt_at = now() + returned.delay_ms * interval '1 millisecond'
         FROM unnest($1::uuid[], $2::float8[]) AS returned(id, delay_ms)
        WHERE outbox.id = returned.id`,
      [events.map((event) => event.id), events.map((event) => event.retryInMs)],
    );
  }

  /** Deletes the rows published more than `retentionMs` ago, a batch at a time. */
  async purgePublished(retentionMs: number): Promise<void> {
    let deleted: number;
    do {
      const [, count] = await this.dataSource.query<[unknown[], number]>(PURGE_PUBLISHED_SQL, [
        retentionMs,
        PURGE_BATCH,
      ]);
      deleted = count;
    } while (deleted === PURGE_BATCH);
  }
}
