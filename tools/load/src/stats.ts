import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/**
 * How an operation ended: an HTTP status ('200', '429', …), a chat acknowledgement ('ok',
 * 'rate limited', 'refused'), or no answer ('timeout', 'connection error').
 */
export type Outcome = string;

/** 2xx and acknowledged sends; anything else is an error of some kind, shown by its name. */
export function isSuccess(outcome: Outcome): boolean {
  return outcome === 'ok' || /^2\d\d$/.test(outcome);
}

/** What the gateway and the chat say when a limit is reached, whatever the operation. */
export function isRateLimited(outcome: Outcome): boolean {
  return outcome === '429' || outcome === 'rate limited';
}

/** Latencies in a histogram (Node's own HdrHistogram: 3 significant digits, constant memory). */
export class LatencyStats {
  private readonly histogram: RecordableHistogram = createHistogram();
  readonly outcomes = new Map<Outcome, number>();

  record(ms: number, outcome: Outcome): void {
    // Recorded in microseconds: the histogram holds integers of at least 1.
    this.histogram.record(Math.max(1, Math.round(ms * 1000)));
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  add(other: LatencyStats): void {
    this.histogram.add(other.histogram);
    for (const [outcome, count] of other.outcomes)
      this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + count);
  }

  get count(): number {
    return this.histogram.count;
  }

  /** In milliseconds; 0 before anything was recorded. */
  percentile(percent: number): number {
    return this.count === 0 ? 0 : this.histogram.percentile(percent) / 1000;
  }

  get maxMs(): number {
    return this.count === 0 ? 0 : this.histogram.max / 1000;
  }
}

export interface OperationSummary {
  readonly label: string;
  readonly count: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly outcomes: ReadonlyMap<Outcome, number>;
}

export function summarize(label: string, stats: LatencyStats, seconds: number): OperationSummary {
  return {
    label,
    count: stats.count,
    perSecond: seconds > 0 ? stats.count / seconds : 0,
    p50: stats.percentile(50),
    p90: stats.percentile(90),
    p99: stats.percentile(99),
    max: stats.maxMs,
    outcomes: stats.outcomes,
  };
}

/** Latencies and outcomes per operation, and of all of them together for the progress line. */
export class Recorder {
  private readonly byLabel = new Map<string, LatencyStats>();
  readonly all = new LatencyStats();
  /** Operations ended since the last `takeRecentCount`, for the current rate. */
  private recent = 0;

  record(label: string, ms: number, outcome: Outcome): void {
    let stats = this.byLabel.get(label);
    if (!stats) {
      stats = new LatencyStats();
      this.byLabel.set(label, stats);
    }
    stats.record(ms, outcome);
    this.all.record(ms, outcome);
    this.recent += 1;
  }

  takeRecentCount(): number {
    const count = this.recent;
    this.recent = 0;
    return count;
  }

  /** One summary per operation, in `order` first, then any other in the order first seen. */
  summaries(seconds: number, order: readonly string[] = []): OperationSummary[] {
    const labels = [
      ...order.filter((label) => this.byLabel.has(label)),
      ...[...this.byLabel.keys()].filter((label) => !order.includes(label)),
    ];
    return labels.map((label) =>
      summarize(label, this.byLabel.get(label) ?? new LatencyStats(), seconds),
    );
  }
}

/** An operation that got no answer at all, named by what a learner can act on. */
export function failureName(error: unknown): Outcome {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'connection error';
}
