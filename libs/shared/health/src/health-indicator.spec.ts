import { describe, expect, it, vi } from 'vitest';
import { assessReadiness, type HealthIndicator } from './health-indicator.js';

const up = (name: string, critical = true): HealthIndicator => ({
  name,
  critical,
  check: async () => undefined,
});
const down = (name: string, critical = true): HealthIndicator => ({
  name,
  critical,
  check: async () => {
    throw new Error(`${name} refused the connection`);
  },
});

describe('assessReadiness', () => {
  it('is ok when every dependency answers', async () => {
    expect(await assessReadiness([up('postgres'), up('broker')])).toEqual({
      status: 'ok',
      checks: { postgres: { state: 'up' }, broker: { state: 'up' } },
    });
  });

  it('is unavailable when a critical dependency is down, and says why', async () => {
    const report = await assessReadiness([up('postgres'), down('broker')]);
    expect(report.status).toBe('unavailable');
    expect(report.checks['broker']).toEqual({
      state: 'down',
      error: 'broker refused the connection',
    });
  });

  it('is only degraded when the dependency that is down is not critical', async () => {
    const report = await assessReadiness([up('broker'), down('cache', false)]);
    expect(report.status).toBe('degraded');
  });

  it('counts a dependency that hangs as down after two seconds', async () => {
    vi.useFakeTimers();
    const hanging: HealthIndicator = {
      name: 'redis',
      critical: true,
      check: () => new Promise(() => undefined),
    };
    const pending = assessReadiness([hanging]);
    await vi.advanceTimersByTimeAsync(2_000);
    const report = await pending;
    vi.useRealTimers();
    expect(report.checks['redis']).toEqual({
      state: 'down',
      error: 'redis did not answer within 2000 ms',
    });
  });
});
