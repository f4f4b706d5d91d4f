import { z } from 'zod';

/** A published fact: its name (the routing key) and the schema of its data. */
export interface EventDefinition<TData extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly data: TData;
}

export function defineEvent<TData extends z.ZodType>(
  name: string,
  data: TData,
): EventDefinition<TData> {
  return { name, data };
}

export type EventData<T extends EventDefinition> = z.output<T['data']>;

/**
 * What travels on the broker for every event. `eventId` lets consumers ignore repeats;
 * `occurredAt` is when the change was committed, not when it was relayed.
 */
export interface EventEnvelope<TData> {
  readonly eventId: string;
  readonly name: string;
  readonly occurredAt: string;
  readonly data: TData;
}

/**
 * The envelope schema of an event. Readers are tolerant: fields a publisher adds later are ignored,
 * so publishers may grow their events without breaking consumers.
 */
export function eventEnvelope<T extends EventDefinition>(event: T) {
  return z.object({
    eventId: z.string().min(1),
    name: z.literal(event.name),
    occurredAt: z.string(),
    data: event.data,
  });
}

/** The topic exchange all services publish their events to. */
export const EVENTS_EXCHANGE = 'capstone.events';
