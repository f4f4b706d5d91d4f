/** A handler that did not finish in time; it may still finish later, which is why handlers are idempotent. */
export class HandlerTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the handler did not finish within ${timeoutMs} ms`);
    this.name = 'HandlerTimeoutError';
  }
}

/**
 * Waits for `work` at most `timeoutMs`, then fails with `timedOut()` (a `HandlerTimeoutError`
 * unless said). The work is not stopped (a promise cannot be cancelled): it is only no longer
 * waited for.
 */
export async function withinTimeout(
  work: Promise<unknown>,
  timeoutMs: number,
  timedOut: () => Error = () => new HandlerTimeoutError(timeoutMs),
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
