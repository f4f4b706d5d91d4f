import { describe, expect, it } from 'vitest';
import { formatErrors, formatMs, formatOutcomes, progressLine, summaryTable } from './report.ts';
import { LatencyStats, summarize } from './stats.ts';

function statsOf(entries: [number, string][]): LatencyStats {
  const stats = new LatencyStats();
  for (const [ms, outcome] of entries) stats.record(ms, outcome);
  return stats;
}

describe('the report', () => {
  it('writes latencies with as many digits as help compare them', () => {
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(9.96)).toBe('10.0 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(9_999)).toBe('9999 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
  });

  it('lists outcomes successes first, then the most frequent, and errors alone when asked', () => {
    const outcomes = new Map([
      ['429', 3],
      ['200', 480],
      ['timeout', 1],
      ['201', 12],
    ]);
    expect(formatOutcomes(outcomes)).toBe('200×480 201×12 429×3 timeout×1');
    expect(formatErrors(outcomes)).toBe('errors 429×3 timeout×1');
    expect(formatErrors(new Map([['ok', 3]]))).toBe('no errors');
  });

  it('has one progress line: elapsed, current rate, percentiles so far, what is waiting, errors', () => {
    const line = progressLine({
      elapsedSeconds: 12.2,
      durationSeconds: 60,
      perSecond: 49.75,
      all: statsOf([
        [5, '200'],
        [7, '200'],
        [120, '429'],
      ]),
      inFlight: 3,
      dropped: 0,
    });
    expect(line).toBe('12s/60s  49.8 req/s  p50 7.0 ms  p99 120 ms  3 in flight  errors 429×1');
    const behind = progressLine({
      elapsedSeconds: 1,
      durationSeconds: 5,
      perSecond: 0,
      all: new LatencyStats(),
      inFlight: 200,
      dropped: 17,
    });
    expect(behind).toBe(
      '1s/5s  0.0 req/s  p50 0.0 ms  p99 0.0 ms  200 in flight  17 dropped  no errors',
    );
  });

  it('lines the summary table up: names and statuses on the left, numbers on the right', () => {
    const table = summaryTable([
      [
        summarize('list articles', statsOf([[4, '200']]), 2),
        summarize(
          'write article',
          statsOf([
            [20, '201'],
            [30, '429'],
          ]),
          2,
        ),
      ],
      [
        summarize(
          'all',
          statsOf([
            [4, '200'],
            [20, '201'],
            [30, '429'],
          ]),
          2,
        ),
      ],
    ]);
    expect(table.split('\n')).toEqual([
      'operation      count  req/s     p50     p90     p99     max  statuses',
      '-------------  -----  -----  ------  ------  ------  ------  -----------------',
      'list articles      1    0.5  4.0 ms  4.0 ms  4.0 ms  4.0 ms  200×1',
      'write article      2    1.0   20 ms   30 ms   30 ms   30 ms  201×1 429×1',
      '-------------  -----  -----  ------  ------  ------  ------  -----------------',
      'all                3    1.5   20 ms   30 ms   30 ms   30 ms  200×1 201×1 429×1',
    ]);
  });
});
