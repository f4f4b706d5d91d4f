// How every benchmark repeats its measurements and prints them: RUNS=n measures each thing n
// times, and a figure is shown as the median with the spread of the runs (min–max) after it.
import { appendFileSync } from 'node:fs';

/** How many times each measurement is repeated (RUNS, default `fallback`). */
export function runCount(fallback = 1) {
  const runs = Number(process.env.RUNS ?? fallback);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('RUNS must be a whole number ≥ 1');
  return runs;
}

function median(values) {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const format = (value, digits) =>
  Number.isNaN(value)
    ? '—'
    : value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });

/** "median (min–max)" of the runs' values, or one value when there was one run or all agree. */
export function spread(values, digits = 0) {
  const measured = values.filter((value) => value !== null && !Number.isNaN(value));
  if (measured.length === 0) return '—';
  const middle = format(median(measured), digits);
  if (measured.length === 1) return middle;
  const [low, high] = [
    format(Math.min(...measured), digits),
    format(Math.max(...measured), digits),
  ];
  return low === high ? middle : `${middle} (${low}–${high})`;
}

/** "n runs, medians (min–max)" or "1 run", for a table's heading. */
export function runsLabel(runs) {
  return runs === 1 ? '1 run (RUNS=1)' : `RUNS=${runs}: medians (min–max of the runs)`;
}

/** What a summary line adds about the runs. */
export function runsNote(runs) {
  return runs === 1 ? '1 run' : `medians of ${runs} runs`;
}

/**
 * Prints the benchmark's one-line summary, and hands it to `npm run bench` (which prints them
 * all at the end) through the file it names in BENCH_SUMMARY_FILE.
 */
export function summarize(bench, line, startedAt) {
  const seconds = Math.round((performance.now() - startedAt) / 1000);
  const text = `${bench}: ${line} [${Math.floor(seconds / 60)} min ${seconds % 60} s]`;
  console.log(`\n${text}`);
  if (process.env.BENCH_SUMMARY_FILE) appendFileSync(process.env.BENCH_SUMMARY_FILE, `${text}\n`);
}

/**
 * The table of where the CPU went during each measurement: one column per measurement (`windows`
 * holds each one's windows, one per run), one row per tracked process, then the load generator,
 * its event-loop delay, the rest of the machine and the whole machine. CPU in % of one core.
 */
export function cpuTable(columns, cores) {
  const names = [...new Set(columns.flatMap(({ windows }) => [...windows[0].cpu.keys()]))];
  const rows = [
    ...names.map((name) => [name, (window) => window.cpu.get(name) ?? NaN]),
    ['load generator (this process)', (window) => window.generatorCpu],
    ['load generator event-loop delay p99 ms', (window) => window.generatorLoopDelay.p99, 1],
    ['load generator event-loop delay max ms', (window) => window.generatorLoopDelay.max, 1],
    ['rest of the machine (other users, kernel)', (window) => window.restCpu],
    [`whole machine (${cores} cores = ${cores * 100} %)`, (window) => window.machineCpu],
  ];
  return Object.fromEntries(
    rows.map(([label, value, digits = 0]) => [
      label,
      Object.fromEntries(
        columns.map(({ name, windows }) => [name, spread(windows.map(value), digits)]),
      ),
    ]),
  );
}

export function printCpuTable(columns, cores) {
  console.log(
    'CPU % of one core during each measurement, by process (tracked with its child processes; ' +
      '— for a measurement under a second)',
  );
  console.table(cpuTable(columns, cores));
}
