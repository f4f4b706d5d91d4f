/** A published fact: its name (the routing key) and the type of its data. */
export interface EventDefinition<TData> {
  readonly name: string;
  readonly data?: TData;
}

export function defineEvent<TData>(name: string): EventDefinition<TData> {
  return { name };
}

export type EventData<T> = T extends EventDefinition<infer D> ? D : never;

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

/** The topic exchange all services publish their events to. */
export const EVENTS_EXCHANGE = 'capstone.events';
