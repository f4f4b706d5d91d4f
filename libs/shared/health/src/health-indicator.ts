import { errorMessage } from '@capstone/errors';

/**
 * One dependency readiness depends on. `check` resolves when it answers and throws when not.
 * A non-critical dependency (a cache, say) makes the app `degraded` instead of not ready.
 */
export interface HealthIndicator {
  readonly name: string;
  readonly critical: boolean;
  check(): Promise<void>;
}

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

export type DependencyState = 'up' | 'down';

export interface ReadinessReport {
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly checks: Record<string, { state: DependencyState; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(work: Promise<void>, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Runs every check at once, each bounded in time, and sums them up. */
export async function assessReadiness(
  indicators: readonly HealthIndicator[],
): Promise<ReadinessReport> {
  const results = await Promise.all(
    indicators.map(async (indicator) => {
      try {
        await withTimeout(indicator.check(), indicator.name);
        return { indicator, state: 'up' as const };
      } catch (error) {
        return {
          indicator,
          state: 'down' as const,
          error: errorMessage(error),
        };
      }
    }),
  );
  const down = results.filter((result) => result.state === 'down');
  const status = down.some((result) => result.indicator.critical)
    ? 'unavailable'
    : down.length > 0
      ? 'degraded'
      : 'ok';
  return {
    status,
    checks: Object.fromEntries(
      results.map(({ indicator, state, error }) => [
        indicator.name,
        error ? { state, error } : { state },
      ]),
    ),
  };
}
