// What a reader needs to trust a benchmark's figures: the machine it ran on and how busy it was
// before, and, for every measurement, where the CPU time went (each process under test, each
// baseline server, the stores, this load generator, everything else) and how late this load
// generator's own event loop ran. Everything is read from /proc (Linux), nothing is installed.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on Linux. */
const TICKS_PER_SECOND = 100;
/** The event-loop delay monitor's timer; its histogram holds whole intervals, this included. */
const LOOP_RESOLUTION_MS = 10;
/** In a shorter window, 10-ms ticks make CPU percentages meaningless: they are left out. */
const MIN_WINDOW_SECONDS = 1;

/** The machine and its load averages now: call it before starting anything. */
export function describeMachine() {
  const cpus = os.cpus();
  return { cores: cpus.length, model: cpus[0]?.model ?? 'unknown CPU', loadAverage: os.loadavg() };
}

/** One line for a table's heading: cores, CPU, Node, and how busy the machine was before. */
export function machineLine(machine) {
  const load = machine.loadAverage.map((value) => value.toFixed(2)).join(' / ');
  const busy = machine.loadAverage[0] > machine.cores / 2;
  return (
    `${machine.cores} × ${machine.model} | Node ${process.version} | ` +
    `load average before the run (1 / 5 / 15 min) ${load}` +
    (busy ? ' | WARNING: the machine was busy before the run, figures are noisy' : '')
  );
}

/** Every process: pid → { ppid, seconds } with seconds = its CPU time plus its reaped children's. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The fields after the command name, which is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
      table.set(Number(entry), {
        ppid: Number(fields[1]),
        seconds: (utime + stime + cutime + cstime) / TICKS_PER_SECOND,
      });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/**
 * CPU seconds used so far by each of `pids` together with its descendants (PostgreSQL serves
 * each connection from a child process, for one), or null for a pid that is gone.
 */
function treeSeconds(pids) {
  const table = processTable();
  const children = new Map();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  return pids.map((root) => {
    if (!table.has(root)) return null;
    let seconds = 0;
    for (const stack = [root]; stack.length > 0;) {
      const pid = stack.pop();
      seconds += table.get(pid).seconds;
      stack.push(...(children.get(pid) ?? []));
    }
    return seconds;
  });
}

/** Busy CPU time of the whole machine so far, in seconds, from /proc/stat. */
function machineSeconds() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number); // idle, iowait left out
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** The process listening on this TCP port on this machine, from /proc; null if not found. */
export function pidListeningOn(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[3] === '0A' && fields[1]?.endsWith(hex)) inodes.add(fields[9]); // 0A: LISTEN
      }
    } catch {
      // no such table
    }
  }
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode && inodes.has(inode)) return Number(pid);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

const STORES = [
  ['PostgreSQL', 'TEST_POSTGRES_URL', 'postgres://127.0.0.1:5432'],
  ['RabbitMQ', 'TEST_AMQP_URL', 'amqp://127.0.0.1:5672'],
  ['Redis', 'TEST_REDIS_URL', 'redis://127.0.0.1:6379'],
  ['MongoDB-protocol server', 'TEST_MONGO_URL', 'mongodb://127.0.0.1:27017'],
];

/**
 * The stores' server processes, `{ name, pid }`, for those of `names` that run on this machine
 * (not in a container). They are shared with anyone else using them, which their names say.
 */
export function localStores(names = STORES.map(([name]) => name)) {
  return STORES.filter(([name]) => names.includes(name)).flatMap(([name, variable, fallback]) => {
    const { hostname, port } = new URL(process.env[variable] ?? fallback);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) return [];
    const pid = pidListeningOn(Number(port || new URL(fallback).port));
    return pid === null ? [] : [{ name: `${name} (shared)`, pid }];
  });
}

/**
 * Starts measuring: CPU time of each of `processes` (`{ name, pid }`, with their children), of
 * this process (the load generator) and of the whole machine, and this event loop's delay.
 * `end()` stops and returns the window: CPU seconds, CPU in % of one core (NaN for a window
 * under a second), delays in ms.
 */
export function startWindow(processes) {
  const startedAt = performance.now();
  const ownAtStart = process.cpuUsage();
  const machineAtStart = machineSeconds();
  const atStart = treeSeconds(processes.map(({ pid }) => pid));
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  return {
    end() {
      loop.disable();
      const seconds = (performance.now() - startedAt) / 1000;
      const own = process.cpuUsage(ownAtStart);
      const generator = (own.user + own.system) / 1e6;
      const machine = machineSeconds() - machineAtStart;
      const used = treeSeconds(processes.map(({ pid }) => pid)).map((end, index) =>
        end === null || atStart[index] === null ? NaN : end - atStart[index],
      );
      const percent = (value) => (seconds < MIN_WINDOW_SECONDS ? NaN : (value / seconds) * 100);
      const tracked = used.reduce((sum, value) => sum + (Number.isNaN(value) ? 0 : value), 0);
      const delay = (value) => Math.max(0, value / 1e6 - LOOP_RESOLUTION_MS);
      return {
        seconds,
        cpu: new Map(processes.map(({ name }, index) => [name, percent(used[index])])),
        cpuSeconds: new Map(processes.map(({ name }, index) => [name, used[index]])),
        generatorCpu: percent(generator),
        generatorLoopDelay: { p99: delay(loop.percentile(99)), max: delay(loop.max) },
        machineCpu: percent(machine),
        restCpu: percent(Math.max(0, machine - generator - tracked)),
      };
    },
  };
}
