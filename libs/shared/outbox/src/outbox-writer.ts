import { randomUUID } from 'node:crypto';
import type { EventData, EventDefinition } from '@capstone/contracts';
import type { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity.js';
import { currentTraceCarrier } from './trace-context.js';

/** Records an event inside the caller's transaction; the relay publishes it after the commit. */
export async function recordEvent<TEvent extends EventDefinition>(
  manager: EntityManager,
  event: TEvent,
  data: EventData<TEvent>,
): Promise<OutboxMessage> {
  return manager.save(OutboxMessage, {
    id: randomUUID(),
    name: event.name,
    data,
    occurredAt: new Date(),
    publishedAt: null,
    traceContext: currentTraceCarrier(),
  });
}
