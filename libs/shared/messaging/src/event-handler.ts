import { EventPattern } from '@nestjs/microservices';
import {
  errorDetails,
  eventEnvelope,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '@capstone/contracts';
import { EVENT_CONSUMER } from './event-consumer.js';
import { MalformedEventError } from './malformed-event.error.js';

type Handler<T extends EventDefinition> = (event: EventEnvelope<EventData<T>>) => Promise<void>;

function nameOf(payload: unknown): string | undefined {
  const name =
    typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)['name']
      : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Declares a method as the consumer of one or more events of a contract
 * (`@OnEvent(AuthEvents.userUpdated)`), on the service's events queue. The handler receives the
 * envelope only once the event's schema accepted it; anything else is a `MalformedEventError`.
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
        throw new MalformedEventError(problems);
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
