import { isSuccess, type LatencyStats, type OperationSummary, type Outcome } from './stats.ts';

/** 3.2 ms, 120 ms, 12.5 s: enough digits to compare, no more. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `200×480 429×3`: successes first, then the most frequent. */
export function formatOutcomes(outcomes: ReadonlyMap<Outcome, number>): string {
  return [...outcomes]
    .sort(
      ([a, countA], [b, countB]) =>
        Number(isSuccess(b)) - Number(isSuccess(a)) || countB - countA || a.localeCompare(b),
    )
    .map(([outcome, count]) => `${outcome}×${count}`)
    .join(' ');
}

/** Only what went wrong, for the progress line. */
export function formatErrors(outcomes: ReadonlyMap<Outcome, number>): string {
  const errors = new Map([...outcomes].filter(([outcome]) => !isSuccess(outcome)));
  return errors.size === 0 ? 'no errors' : `errors ${formatOutcomes(errors)}`;
}

export interface Progress {
  readonly elapsedSeconds: number;
  readonly durationSeconds: number;
  /** Operations ended per second since the last line. */
  readonly perSecond: number;
  /** Everything since the start. */
  readonly all: LatencyStats;
  readonly inFlight: number;
  readonly dropped: number;
}

export function progressLine(progress: Progress): string {
  const { all } = progress;
  return [
    `${Math.round(progress.elapsedSeconds)}s/${progress.durationSeconds}s`,
    `${progress.perSecond.toFixed(1)} req/s`,
    `p50 ${formatMs(all.percentile(50))}`,
    `p99 ${formatMs(all.percentile(99))}`,
    `${progress.inFlight} in flight`,
    ...(progress.dropped > 0 ? [`${progress.dropped} dropped`] : []),
    formatErrors(all.outcomes),
  ].join('  ');
}

const HEADER = ['operation', 'count', 'req/s', 'p50', 'p90', 'p99', 'max', 'statuses'];
/** Label and statuses read left to right; numbers line up on the right. */
const LEFT_ALIGNED = new Set([0, HEADER.length - 1]);

function cells(row: OperationSummary): string[] {
  return [
    row.label,
    String(row.count),
    row.perSecond.toFixed(1),
    formatMs(row.p50),
    formatMs(row.p90),
    formatMs(row.p99),
    formatMs(row.max),
    formatOutcomes(row.outcomes),
  ];
}

/**
 * The summary table: one row per operation, then each group after a rule (the total of all
 * requests, chat deliveries), so a reader compares like with like.
 */
export function summaryTable(groups: readonly (readonly OperationSummary[])[]): string {
  const rows = groups.filter((group) => group.length > 0).map((group) => group.map(cells));
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.flat().map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        LEFT_ALIGNED.has(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [
    line(HEADER),
    rule,
    ...rows.flatMap((group, index) => [...(index > 0 ? [rule] : []), ...group.map(line)]),
  ].join('\n');
}
