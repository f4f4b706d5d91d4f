import { AUTH_QUEUE, AuthEvents } from './auth.contracts.js';
import { BlogEvents } from './blog-events.js';
import { BLOG_EVENTS_QUEUE, BLOG_QUEUE } from './blog.contracts.js';
import { CHAT_EVENTS_QUEUE, CHAT_QUEUE } from './chat.contracts.js';
import { EVENTS_EXCHANGE, type EventDefinition } from './events.js';

/** The queue the gateway receives other services' events on (its cache, revoked sessions). */
export const GATEWAY_EVENTS_QUEUE = 'gateway.events';

/** A service's events queue and the events it handles there: one binding to the exchange each. */
export interface EventsQueue {
  readonly queue: string;
  readonly events: readonly EventDefinition[];
}

/**
 * Everything on RabbitMQ that must exist before the first message is sent: the events exchange,
 * the services' request queues, and each events queue with its bindings. Declared at deploy time
 * (the `broker-topology` one-shot), so that an event published before its consumer ever started
 * waits in that consumer's queue instead of being dropped by the exchange.
 */
export interface BrokerTopology {
  readonly exchange: string;
  readonly requestQueues: readonly string[];
  readonly eventsQueues: readonly EventsQueue[];
}

export const brokerTopology: BrokerTopology = {
  exchange: EVENTS_EXCHANGE,
  requestQueues: [AUTH_QUEUE, BLOG_QUEUE, CHAT_QUEUE],
  eventsQueues: [
    // The authors projection.
    { queue: BLOG_EVENTS_QUEUE, events: [AuthEvents.userRegistered, AuthEvents.userUpdated] },
    // The users projection, sockets of revoked sessions, and the announcement of new articles.
    {
      queue: CHAT_EVENTS_QUEUE,
      events: [
        AuthEvents.userRegistered,
        AuthEvents.userUpdated,
        AuthEvents.sessionRevoked,
        BlogEvents.articleCreated,
      ],
    },
    // Cache invalidation, and the revoked sessions the gateway refuses.
    {
      queue: GATEWAY_EVENTS_QUEUE,
      events: [
        AuthEvents.sessionRevoked,
        BlogEvents.authorUpdated,
        BlogEvents.articleCreated,
        BlogEvents.articleUpdated,
        BlogEvents.articleDeleted,
        BlogEvents.articleFavorited,
        BlogEvents.articleUnfavorited,
        BlogEvents.commentCreated,
        BlogEvents.commentDeleted,
      ],
    },
  ],
};

/** How an events consumer treats a failing handler. */
export interface EventRetryPolicy {
  /** How many times an event is handled before it goes to the dead-letter queue. */
  readonly maxAttempts: number;
  /** How long a failed event waits in the retry queue before its next attempt. */
  readonly retryDelayMs: number;
  /** How long a handler may run before it is given up and counted as failed. */
  readonly handlerTimeoutMs: number;
}

/**
 * The policy of every events queue unless a service's settings say otherwise (`EVENT_*`): about
 * forty seconds of patience for a dependency that restarts, and a handler that takes thirty
 * seconds is stuck.
 */
export const defaultEventRetryPolicy: EventRetryPolicy = {
  maxAttempts: 5,
  retryDelayMs: 10_000,
  handlerTimeoutMs: 30_000,
};

/** Where a failed event of `queue` waits out the retry delay before it goes back to `queue`. */
export const retryQueueOf = (queue: string): string => `${queue}.retry`;

/** Where an event of `queue` that failed its every attempt is kept, to be read and replayed. */
export const deadLetterQueueOf = (queue: string): string => `${queue}.dead`;

/** The events queue of the topology named `queue`; throws if there is none. */
export function eventsQueueNamed(queue: string): EventsQueue {
  const found = brokerTopology.eventsQueues.find((entry) => entry.queue === queue);
  if (!found) throw new Error(`the broker topology has no events queue ${queue}`);
  return found;
}
