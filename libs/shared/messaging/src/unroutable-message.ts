import { Messages, type ErrorDetails } from '@capstone/contracts';

/** A message's body a handler here takes: `{ pattern, data, id? }`, as Nest's RabbitMQ transport reads it. */
export type RoutablePacket = Readonly<Record<string, unknown>> & { readonly pattern: string };

/** Why no handler can take a message, and its pattern if it had one. */
export interface Unroutable {
  readonly pattern?: string;
  readonly errors: ErrorDetails;
}

/** A message's body, read once: the packet a handler takes, or why none can. */
export type Routing =
  | { readonly packet: RoutablePacket; readonly refusal?: undefined }
  | { readonly packet?: undefined; readonly refusal: Unroutable };

function refused(errors: ErrorDetails, pattern?: string): Routing {
  return { refusal: pattern === undefined ? { errors } : { pattern, errors } };
}

/**
 * Reads a message's body as Nest's RabbitMQ transport does (JSON) and says what stops it from
 * reaching a handler: a body that is not JSON or not an object, a pattern missing or not text, or
 * one `isHandled` does not know, and on a request queue a message without the id its reply is
 * sent under. The packet read is the one handed on, so that the body is parsed once.
 */
export function route(
  content: Buffer,
  isHandled: (pattern: string) => boolean,
  { requestsOnly }: { readonly requestsOnly: boolean },
): Routing {
  let packet: unknown;
  try {
    packet = JSON.parse(content.toString('utf8'));
  } catch {
    return refused({ body: ['is not JSON'] });
  }
  if (typeof packet !== 'object' || packet === null || Array.isArray(packet)) {
    return refused({ body: [Messages.object] });
  }
  const fields = packet as Record<string, unknown>;
  const { pattern, id } = fields;
  if (pattern === undefined || pattern === null || pattern === '') {
    return refused({ pattern: [Messages.blank] });
  }
  if (typeof pattern !== 'string') return refused({ pattern: [Messages.text] });
  if (!isHandled(pattern)) return refused({ pattern: ['is not handled here'] }, pattern);
  // A request queue's handlers answer: a message without an id would be handled, never answered
  // and never acknowledged, holding a prefetch place for good.
  if (requestsOnly && (typeof id !== 'string' || id === '')) {
    return refused({ id: [Messages.blank] }, pattern);
  }
  return { packet: { ...fields, pattern } };
}
