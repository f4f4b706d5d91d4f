import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { metrics, type BatchObservableCallback } from '@opentelemetry/api';
import { DataSource } from 'typeorm';

const meter = metrics.getMeter('@capstone/outbox');

const backlog = meter.createObservableGauge('capstone.outbox.backlog', {
  unit: '{event}',
  description: 'Events written to the outbox and not yet confirmed by RabbitMQ',
});

const oldestAge = meter.createObservableGauge('capstone.outbox.oldest_age', {
  unit: 's',
  description: 'How long the oldest unpublished event has waited (0 when none waits)',
});

const returnedEvents = meter.createCounter('capstone.outbox.returned', {
  unit: '{event}',
  description:
    'Events RabbitMQ returned because no queue was bound for them (each stays in the outbox and is published again), by event',
});

/** Counts an event RabbitMQ returned to the relay: no queue is bound for its routing key. */
export function recordReturnedEvent(event: string): void {
  returnedEvents.add(1, { 'messaging.system': 'rabbitmq', 'messaging.destination.name': event });
}

interface Waiting {
  readonly count: number;
  readonly oldest_seconds: number | null;
}

/**
 * Reports how much the outbox holds at each scrape, read from the table itself so that every
 * instance of a service reports the same truth, whichever relay holds the rows.
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly observe: BatchObservableCallback = async (result) => {
    const [waiting] = (await this.dataSource.query(
      `SELECT count(*)::int AS count,
              extract(epoch FROM now() - min(occurred_at))::float8 AS oldest_seconds
         FROM outbox WHERE published_at IS NULL`,
    )) as Waiting[];
    result.observe(backlog, waiting?.count ?? 0);
    result.observe(oldestAge, waiting?.oldest_seconds ?? 0);
  };

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    meter.addBatchObservableCallback(this.observe, [backlog, oldestAge]);
  }

  onModuleDestroy(): void {
    meter.removeBatchObservableCallback(this.observe, [backlog, oldestAge]);
  }
}
