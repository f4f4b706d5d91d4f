import { randomBytes } from 'node:crypto';
import { GatewayHttp } from './http.ts';
import { limitWarnings } from './limits.ts';
import { MixPicker } from './mix.ts';
import type { LoadOptions } from './options.ts';
import { ProgressDisplay } from './progress.ts';
import { progressLine } from './report.ts';
import { RateSchedule } from './schedule.ts';
import { Scenarios } from './scenarios.ts';
import { prepare } from './setup.ts';
import { Recorder } from './stats.ts';
import { summaryText } from './summary.ts';

export interface LoadRun {
  /** Ends the run early (Ctrl-C): nothing new starts, the summary comes once the rest answered. */
  stop(): void;
  /** The summary, once the run is over. */
  readonly finished: Promise<string>;
}

/**
 * One run: the setup, then the mix at the rate for the duration with the progress line on
 * `output`, then the summary. Fails only when the run cannot start (no gateway, no user).
 */
export function startLoad(options: LoadOptions, output: NodeJS.WriteStream): LoadRun {
  const schedule = new RateSchedule({
    rate: options.rate,
    durationMs: options.durationSeconds * 1000,
    maxInFlight: options.maxInFlight,
  });
  return { stop: () => schedule.stop(), finished: run(options, output, schedule) };
}

async function run(
  options: LoadOptions,
  output: NodeJS.WriteStream,
  schedule: RateSchedule,
): Promise<string> {
  const say = (line: string) => output.write(`${line}\n`);
  const setup = new Recorder();
  const operations = new Recorder();
  const deliveries = new Recorder();
  const http = new GatewayHttp(options.url, setup);

  const setupStartedAt = performance.now();
  const prepared = await prepare(options, http, { setup, deliveries }, say);
  const setupSeconds = (performance.now() - setupStartedAt) / 1000;
  prepared.chat?.recordInto(operations);
  for (const warning of limitWarnings(options, options.weights)) say(`Note: ${warning}`);
  say(`Running ${options.rate} operations/s for ${options.durationSeconds} s (Ctrl-C stops early)`);

  const scenarios = new Scenarios({
    ...prepared,
    http: http.with(operations),
    // Titles of this run's articles, unique across runs.
    runId: randomBytes(3).toString('hex'),
  });
  const picker = new MixPicker(options.weights);
  const progress = new ProgressDisplay(output);
  const startedAt = performance.now();
  let lastTickAt = startedAt;
  const ticker = setInterval(() => {
    const now = performance.now();
    progress.show(
      progressLine({
        elapsedSeconds: (now - startedAt) / 1000,
        durationSeconds: options.durationSeconds,
        perSecond: operations.takeRecentCount() / ((now - lastTickAt) / 1000),
        all: operations.all,
        inFlight: schedule.inFlight,
        dropped: schedule.dropped,
      }),
    );
    lastTickAt = now;
  }, progress.intervalMs);

  try {
    await schedule.run(() =>
      scenarios.run(picker.next()).catch((error: unknown) => {
        // A flaw of the load generator itself: shown in the summary rather than ending the run.
        operations.record('load generator', 0, `failed: ${String(error)}`.slice(0, 80));
      }),
    );
  } finally {
    clearInterval(ticker);
    progress.end();
  }
  const seconds = Math.min(options.durationSeconds, (performance.now() - startedAt) / 1000);
  await prepared.chat?.close();
  return summaryText({
    options,
    seconds,
    dropped: schedule.dropped,
    run: operations,
    setup,
    setupSeconds,
    deliveries,
    ...(prepared.chat
      ? { chat: { expected: prepared.chat.expected, received: prepared.chat.received } }
      : {}),
  });
}
