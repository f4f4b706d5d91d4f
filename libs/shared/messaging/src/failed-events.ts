import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, Message, MessagePropertyHeaders, Options } from 'amqplib';
import { errorMessage } from '@capstone/errors';
import { MalformedEventError } from './malformed-event.error.js';

/** The headers the events consumer adds to an event that failed, as the RabbitMQ UI shows them. */
export const FailureHeaders = {
  /** How many times the event was handled and failed. */
  attempts: 'capstone-attempts',
  /** Why its last attempt failed: the error's class and message. */
  error: 'capstone-error',
  /** Which copy this is, to match a copy RabbitMQ returns to its publish (the message id is the event's). */
  copy: 'capstone-copy',
} as const;

/** RabbitMQ returned a copy it could route to no queue: the queue is gone. */
export class ReturnedCopyError extends Error {
  constructor(readonly queue: string) {
    super(`RabbitMQ returned the copy sent to ${queue}: no such queue`);
    this.name = 'ReturnedCopyError';
  }
}

/** Per channel, what to do when RabbitMQ returns the copy of each id in flight. */
const returnWatchers = new WeakMap<ConfirmChannel, Map<string, () => void>>();

function returnsOn(channel: ConfirmChannel): Map<string, () => void> {
  let watchers = returnWatchers.get(channel);
  if (!watchers) {
    const created = new Map<string, () => void>();
    channel.on('return', (returned: Message) => {
      const id: unknown = returned.properties.headers?.[FailureHeaders.copy];
      if (typeof id === 'string') created.get(id)?.();
    });
    returnWatchers.set(channel, created);
    watchers = created;
  }
  return watchers;
}

/** Headers RabbitMQ writes when it dead-letters a message; a copy gets its own, not these. */
const BROKER_DEATH_HEADER = /^x-(death|first-death-|last-death-)/;

/** Enough of an error to find its cause, not a stack trace in every message. */
const ERROR_HEADER_MAX_LENGTH = 500;

/** How many times `message` failed before this delivery (0 for a new event). */
export function failedAttemptsOf(message: Message): number {
  const attempts = Number(message.properties.headers?.[FailureHeaders.attempts] ?? 0);
  return Number.isInteger(attempts) && attempts > 0 ? attempts : 0;
}

/** The error as the `capstone-error` header holds it: for a malformed event, the fields at fault. */
export function describeFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const reason =
    error instanceof MalformedEventError
      ? `the event's schema refuses ${Object.keys(error.problems).join(', ')}`
      : errorMessage(error);
  return `${name}: ${reason}`.slice(0, ERROR_HEADER_MAX_LENGTH);
}

/**
 * The headers a copy of `message` carries on: its own (the trace context among them), without
 * RabbitMQ's dead-lettering ones, with `changes` applied (a header set to undefined is removed).
 */
export function carriedHeaders(
  message: Message,
  changes: Readonly<Record<string, string | number | undefined>> = {},
): MessagePropertyHeaders {
  const headers: MessagePropertyHeaders = {};
  for (const [name, value] of Object.entries(message.properties.headers ?? {})) {
    if (!BROKER_DEATH_HEADER.test(name)) headers[name] = value;
  }
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

/** What a copy is published with: the message's own properties, less a user id the broker would check. */
function copyOptions(message: Message, headers: MessagePropertyHeaders): Options.Publish {
  const { contentType, contentEncoding, correlationId, messageId, timestamp, type, appId } =
    message.properties;
  return {
    contentType,
    contentEncoding,
    correlationId,
    messageId,
    timestamp,
    type,
    appId,
    headers,
    persistent: true,
  };
}

/**
 * Publishes a copy of `message` to `queue` through the default exchange, and resolves once
 * RabbitMQ has confirmed it: only then may the original be acknowledged. The copy is mandatory:
 * RabbitMQ confirms, and would drop, a copy for a queue that is gone, but returns it first, and
 * then this fails with a `ReturnedCopyError`. `expiresInMs` is how long the copy may wait in
 * `queue` (a retry queue's delay).
 */
export function publishCopy(
  channel: ConfirmChannel,
  queue: string,
  message: Message,
  headers: MessagePropertyHeaders,
  expiresInMs?: number,
): Promise<void> {
  const copyId = randomUUID();
  const options = copyOptions(message, { ...headers, [FailureHeaders.copy]: copyId });
  options.mandatory = true;
  if (expiresInMs !== undefined) options.expiration = String(expiresInMs);
  const watchers = returnsOn(channel);
  let returned = false;
  // RabbitMQ sends basic.return before the confirm of the same copy.
  watchers.set(copyId, () => (returned = true));
  return new Promise<void>((resolve, reject) => {
    try {
      channel.publish('', queue, message.content, options, (error: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else if (returned) reject(new ReturnedCopyError(queue));
        else resolve();
      });
    } catch (error) {
      // amqplib throws at once on a channel that has closed.
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  }).finally(() => watchers.delete(copyId));
}
