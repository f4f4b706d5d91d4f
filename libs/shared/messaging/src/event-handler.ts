import { Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import {
  errorDetails,
  eventEnvelope,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '@capstone/contracts';
import { EVENT_CONSUMER } from './event-consumer.js';

type Handler<T extends EventDefinition> = (event: EventEnvelope<EventData<T>>) => Promise<void>;

const logger = new Logger('OnEvent');

function field(payload: unknown, key: 'eventId' | 'name'): string | undefined {
  const value =
    typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)[key]
      : undefined;
  return typeof value === 'string' ? value : undefined;
}

const nameOf = (payload: unknown) => field(payload, 'name');

/** What can be logged of a malformed event: its identity and what is wrong, never its data. */
function describeMalformed(payload: unknown, problems: Record<string, string[]>) {
  return {
    msg: 'malformed event dropped',
    event: nameOf(payload),
    eventId: field(payload, 'eventId'),
    problems,
  };
}

/**
 * Declares a method as the consumer of one or more events of a contract
 * (`@OnEvent(AuthEvents.userUpdated)`), on the service's events queue. The handler receives the
 * envelope only once the event's schema accepted it. A malformed event cannot become well-formed
 * by waiting: it is logged once, without its personal data, and acknowledged.
 */
export function OnEvent<T extends EventDefinition>(...events: [T, ...T[]]) {
  const envelopes = new Map(events.map((event) => [event.name, eventEnvelope(event)]));
  return <M extends Handler<T>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const handler = descriptor.value;
    if (!handler) throw new Error('@OnEvent must decorate a method');
    const checked = async function (this: unknown, payload: unknown) {
      // The envelope names its event; one of those this handler consumes, or it is malformed.
      const result = envelopes.get(nameOf(payload) ?? '')?.safeParse(payload);
      if (!result?.success) {
        const problems = result ? errorDetails(result.error) : { name: ['is not handled here'] };
        logger.error(describeMalformed(payload, problems));
        return;
      }
      await handler.call(this, result.data as EventEnvelope<EventData<T>>);
    };
    // The logs and traces name the handler by its function's name.
    Object.defineProperty(checked, 'name', { value: handler.name });
    descriptor.value = checked as M;
    const names = events.map((event) => event.name);
    (EventPattern(names, EVENT_CONSUMER) as MethodDecorator)(target, key, descriptor);
  };
}
