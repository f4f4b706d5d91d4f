import { rateLimitNotes } from './limits.ts';
import { SCENARIOS } from './mix.ts';
import type { LoadOptions } from './options.ts';
import { summaryTable } from './report.ts';
import { isSuccess, summarize, type OperationSummary, type Recorder } from './stats.ts';

export interface RunFacts {
  readonly options: Pick<LoadOptions, 'rate' | 'users' | 'url'>;
  /** How long operations were started for (shorter than asked after Ctrl-C). */
  readonly seconds: number;
  readonly dropped: number;
  readonly run: Recorder;
  readonly setup: Recorder;
  readonly setupSeconds: number;
  readonly deliveries: Recorder;
  /** Deliveries due to this run's other connections, and how many arrived. */
  readonly chat?: { readonly expected: number; readonly received: number };
}

const ORDER = Object.values(SCENARIOS).map((scenario) => scenario.label);

/**
 * The report at the end: the run's operations, their total and the chat's deliveries in one table,
 * the setup in another, then what to make of any 429, drop or missing delivery.
 */
export function summaryText(facts: RunFacts): string {
  const { options, seconds, run } = facts;
  const operations = run.summaries(seconds, ORDER);
  const total = summarize('all', run.all, seconds);
  const deliveries = facts.deliveries.summaries(seconds);
  const setup = facts.setup.summaries(facts.setupSeconds);
  return [
    '',
    `${options.url}: ${total.count} operations in ${seconds.toFixed(0)} s, ${total.perSecond.toFixed(1)}/s of the ${options.rate}/s asked, ${options.users} users`,
    '',
    summaryTable([operations, [total], deliveries]),
    '',
    `Setup (${facts.setupSeconds.toFixed(1)} s, not counted above):`,
    summaryTable([setup]),
    ...notes(facts, [...operations, ...deliveries], setup),
  ].join('\n');
}

function notes(
  facts: RunFacts,
  run: readonly OperationSummary[],
  setup: readonly OperationSummary[],
): string[] {
  const lines: string[] = [];
  const limited = rateLimitNotes([...run, ...setup]);
  if (limited.length > 0)
    lines.push(
      'Rate limits (429 / rate limited) refused some operations:',
      ...limited.map((line) => `  ${line}`),
      '  Spread the load over more --users, lower --rate, or raise the limits (README, "Load").',
    );
  if (facts.dropped > 0)
    lines.push(
      `${facts.dropped} operations were not started: --max-in-flight operations were still unanswered (the stack did not keep up with --rate).`,
    );
  const { chat } = facts;
  if (chat && chat.expected > 0) {
    const missing = chat.expected - chat.received;
    lines.push(
      `Chat: ${chat.received} of ${chat.expected} deliveries to this run's connections arrived${missing > 0 ? `, ${missing} missing` : ''}.`,
    );
  }
  const failed = run.some((summary) =>
    [...summary.outcomes.keys()].some((outcome) => !isSuccess(outcome)),
  );
  if (!failed) lines.push('Every operation of the run succeeded.');
  return lines.length > 0 ? ['', ...lines] : [];
}
