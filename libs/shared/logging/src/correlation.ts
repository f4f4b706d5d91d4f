import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface CorrelationContext {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** Runs `work` with a correlation id that every log line and outgoing broker message inside it carries. */
export function runWithCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts an id from outside only when it is short and plain; otherwise starts a new one. */
export function acceptOrCreateCorrelationId(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_ID.test(candidate) ? candidate : randomUUID();
}
