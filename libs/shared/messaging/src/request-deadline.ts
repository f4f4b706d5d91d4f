import { RmqRecord } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';

/**
 * The moment a request's caller stops waiting for it, in milliseconds since the epoch. Absolute,
 * so that it holds however long the request waited, in the queue or in a consumer's prefetch; it
 * assumes the hosts' clocks agree (NTP), a skew moving the deadline by as much.
 */
export const DEADLINE_HEADER = 'x-deadline';

/**
 * A request that expires with its caller's patience: RabbitMQ drops it once it has waited
 * `timeoutMs` in the queue (a per-message TTL, applied when it reaches the head of the queue), and
 * the server drops one delivered past the deadline it carries, wherever it waited.
 */
export function withDeadline<T>(payload: T, timeoutMs: number, now = Date.now()): RmqRecord<T> {
  return new RmqRecord(payload, {
    expiration: String(timeoutMs),
    headers: { [DEADLINE_HEADER]: String(now + timeoutMs) },
  });
}

/** A request delivered after its caller gave up: what it asked for, and how late it is. */
export interface ExpiredRequest {
  readonly pattern: string;
  readonly lateByMs: number;
}

function deadlineOf(message: ConsumeMessage): number | undefined {
  const headers: Record<string, unknown> = message.properties.headers ?? {};
  const deadline = headers[DEADLINE_HEADER];
  if (typeof deadline === 'number') return deadline;
  // A sender that does not set it (or sets nonsense) gets its request run, as before deadlines.
  return typeof deadline === 'string' && /^\d+$/.test(deadline) ? Number(deadline) : undefined;
}

/**
 * Says whether `message`, a request for `pattern` (read from its body by the caller), comes after
 * its deadline; undefined when it has none or is in time.
 */
export function expiredRequest(
  message: ConsumeMessage,
  pattern: string,
  now = Date.now(),
): ExpiredRequest | undefined {
  const deadline = deadlineOf(message);
  if (deadline === undefined || now <= deadline) return undefined;
  return { pattern, lateByMs: now - deadline };
}
