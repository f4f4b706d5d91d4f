import { describe, expect, it } from 'vitest';
import { failureName, isRateLimited, isSuccess, LatencyStats, Recorder } from './stats.ts';

describe('latency statistics', () => {
  it('give percentiles and the maximum in milliseconds, to three significant digits', () => {
    const stats = new LatencyStats();
    for (let ms = 1; ms <= 1_000; ms += 1) stats.record(ms, '200');
    expect(stats.count).toBe(1_000);
    expect(stats.percentile(50)).toBeCloseTo(500, -1);
    expect(stats.percentile(90)).toBeCloseTo(900, -1);
    expect(stats.percentile(99)).toBeCloseTo(990, -1);
    expect(stats.maxMs).toBeCloseTo(1_000, -1);
    // Sub-millisecond answers (a cache hit on this machine) keep their precision too.
    const fast = new LatencyStats();
    fast.record(0.25, '200');
    expect(fast.percentile(50)).toBeCloseTo(0.25, 3);
  });

  it('are zeros before anything was recorded', () => {
    const stats = new LatencyStats();
    expect([stats.count, stats.percentile(99), stats.maxMs]).toEqual([0, 0, 0]);
  });

  it('count outcomes, and add up across operations', () => {
    const reads = new LatencyStats();
    reads.record(5, '200');
    reads.record(6, '200');
    const writes = new LatencyStats();
    writes.record(50, '429');
    reads.add(writes);
    expect(reads.count).toBe(3);
    expect(Object.fromEntries(reads.outcomes)).toEqual({ '200': 2, '429': 1 });
    expect(reads.maxMs).toBeCloseTo(50, 0);
  });

  it("tell successes (2xx, acknowledged) and rate limits (429, the chat's refusal) apart", () => {
    expect(['200', '201', '204', 'ok'].every(isSuccess)).toBe(true);
    expect(['304', '404', '429', '504', 'timeout', 'rate limited'].some(isSuccess)).toBe(false);
    expect(['429', 'rate limited'].every(isRateLimited)).toBe(true);
    expect(['503', 'refused'].some(isRateLimited)).toBe(false);
  });

  it('name a request that got no answer by what happened to it', () => {
    expect(failureName(new DOMException('late', 'TimeoutError'))).toBe('timeout');
    expect(failureName(new TypeError('fetch failed'))).toBe('connection error');
    expect(failureName(undefined)).toBe('connection error');
  });
});

describe('the recorder', () => {
  it('summarizes each operation with its rate, in the order asked, then the rest as first seen', () => {
    const recorder = new Recorder();
    recorder.record('chat send', 10, 'ok');
    recorder.record('sign up', 300, '201');
    recorder.record('list articles', 4, '200');
    recorder.record('list articles', 6, '200');

    const summaries = recorder.summaries(2, ['list articles', 'feed', 'chat send']);
    expect(summaries.map((summary) => summary.label)).toEqual([
      'list articles',
      'chat send',
      'sign up',
    ]);
    expect(summaries[0]).toMatchObject({ count: 2, perSecond: 1 });
    expect(recorder.all.count).toBe(4);
  });

  it('counts what ended since it was last asked, for the current rate', () => {
    const recorder = new Recorder();
    recorder.record('feed', 1, '200');
    recorder.record('feed', 1, '200');
    expect(recorder.takeRecentCount()).toBe(2);
    expect(recorder.takeRecentCount()).toBe(0);
  });
});
