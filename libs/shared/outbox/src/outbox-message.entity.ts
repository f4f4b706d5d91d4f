import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TraceCarrier } from './trace-context.js';

/**
 * An event waiting to be published. It is written in the same transaction as the change it
 * describes, so the change and the promise to announce it are committed together or not at all.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['occurredAt'], { where: 'published_at IS NULL' })
@Index('outbox_published_idx', ['publishedAt'], { where: 'published_at IS NOT NULL' })
export class OutboxMessage {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('jsonb')
  data!: unknown;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /**
   * When a relay may claim it next: at once when written, later while a relay holds it (a lease,
   * so no transaction stays open during publishing) or after RabbitMQ returned it (a back-off).
   */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** How many times RabbitMQ returned it because no queue was bound for its name. */
  @Column({ name: 'returned_count', type: 'integer', default: 0 })
  returnedCount!: number;

  /** The trace of the transaction that wrote the event, if it was traced. */
  @Column({ name: 'trace_context', type: 'jsonb', nullable: true })
  traceContext!: TraceCarrier | null;
}
