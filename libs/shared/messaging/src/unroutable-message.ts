import { Messages, type ErrorDetails } from '@capstone/contracts';

/** Why no handler can take a message, and its pattern if it had one. */
export interface Unroutable {
  readonly pattern?: string;
  readonly errors: ErrorDetails;
}

/**
 * Reads a message's body as Nest's RabbitMQ transport will (`{ pattern, data, id? }` in JSON) and
 * says what stops it from reaching a handler: a body that is not JSON or not an object, a pattern
 * missing or not text, or one `isHandled` does not know, and on a request queue a message without
 * the id its reply is sent under. Undefined when a handler takes it.
 */
export function unroutable(
  content: Buffer,
  isHandled: (pattern: string) => boolean,
  { requestsOnly }: { readonly requestsOnly: boolean },
): Unroutable | undefined {
  let packet: unknown;
  try {
    packet = JSON.parse(content.toString('utf8'));
  } catch {
    return { errors: { body: ['is not JSON'] } };
  }
  if (typeof packet !== 'object' || packet === null || Array.isArray(packet)) {
    return { errors: { body: [Messages.object] } };
  }
  const { pattern, id } = packet as Record<string, unknown>;
  if (pattern === undefined || pattern === null || pattern === '') {
    return { errors: { pattern: [Messages.blank] } };
  }
  if (typeof pattern !== 'string') return { errors: { pattern: [Messages.text] } };
  if (!isHandled(pattern)) return { pattern, errors: { pattern: ['is not handled here'] } };
  // A request queue's handlers answer: a message without an id would be handled, never answered
  // and never acknowledged, holding a prefetch place for good.
  if (requestsOnly && (typeof id !== 'string' || id === '')) {
    return { pattern, errors: { id: [Messages.blank] } };
  }
  return undefined;
}
