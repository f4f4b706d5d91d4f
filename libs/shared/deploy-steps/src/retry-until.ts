import { setTimeout as sleep } from 'node:timers/promises';
import { reasonOf } from '@capstone/errors';

export interface RetryPolicy {
  /**
   * How a wait that ran out begins its error, before " within <n> s: <last reason>":
   * `postgres:5432/auth did not answer`.
   */
  readonly timedOut: string;
  /** How long to keep trying before giving up. */
  readonly timeoutMs: number;
  /** The pause between two attempts. */
  readonly retryEveryMs: number;
  /** Whether a failure may mend by waiting (a server still starting); any other is final at once. */
  readonly isTransient: (error: unknown) => boolean;
  /** Told about each failed attempt that will be retried. */
  readonly onRetry?: (error: unknown) => void;
}

/**
 * Runs `attempt` until it succeeds: a deploy step's wait for a server that may still be starting
 * beside it (a migration, the broker topology, an init container's gate). A final failure is
 * thrown at once; a transient one is retried every `retryEveryMs`, and once `timeoutMs` has
 * passed the last one is thrown as "<timedOut> within <n> s: <reason>".
 */
export async function retryUntil<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const deadline = Date.now() + policy.timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!policy.isTransient(error)) throw error;
      if (Date.now() + policy.retryEveryMs > deadline) {
        const seconds = Math.round(policy.timeoutMs / 1000);
        throw new Error(`${policy.timedOut} within ${seconds} s: ${reasonOf(error)}`, {
          cause: error,
        });
      }
      policy.onRetry?.(error);
      await sleep(policy.retryEveryMs);
    }
  }
}
