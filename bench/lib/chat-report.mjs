// The tables and lines bench:chat prints from its scenarios' runs (see chat-load.mjs).
import { spread } from './report.mjs';

const MIB = 2 ** 20;
const sum = (values) => values.reduce((total, value) => total + value, 0);
const mean = (values) => sum(values) / values.length;

/**
 * The figures, one row each: [label, value of one run (a number, or one per server), options].
 * `total` rows add up the runs (counts, where any loss matters); the others show the median and
 * the spread of the runs (and of the servers, for memory).
 */
function figureRows(socketsPerServer) {
  const memory = (moment, field) => (run) => run.memory[moment].map((usage) => usage[field] / MIB);
  const perSocket = (run) =>
    run.memory.holding.map(
      (usage, server) =>
        (usage.heapUsed - run.memory.idle[server].heapUsed) / socketsPerServer / 1024,
    );
  return [
    ['connect: all clients connected, s', (run) => run.connectSeconds, { digits: 1 }],
    ['join storm: all joins acknowledged, s', (run) => run.joinAckSeconds, { digits: 1 }],
    ['join storm: presence settled, s', (run) => run.settledSeconds, { digits: 1 }],
    ['presence events received during the join storm', (run) => run.presenceEvents],
    ['memory idle: RSS MiB, after GC (per server)', memory('idle', 'rss')],
    ['memory idle: heap used MiB, after GC', memory('idle', 'heapUsed'), { digits: 1 }],
    [`memory holding ${socketsPerServer} sockets: RSS MiB`, memory('holding', 'rss')],
    [`memory holding ${socketsPerServer} sockets: heap used MiB`, memory('holding', 'heapUsed')],
    ['heap KiB per socket (holding − idle)', perSocket, { digits: 1 }],
    ['memory after the send phase: RSS MiB', memory('afterSending', 'rss')],
    ['memory after the send phase: heap used MiB', memory('afterSending', 'heapUsed')],
    ['messages sent, all runs', (run) => run.sent, { total: true }],
    ['send rate achieved (msg/s)', (run) => run.sendRate, { digits: 1 }],
    ['send schedule max lag ms (load generator late)', (run) => run.maxLagMs, { digits: 1 }],
    ['seconds sending + draining (CPU window)', (run) => run.sendCpu.seconds, { digits: 1 }],
    ['messages acknowledged, all runs', (run) => run.acked, { total: true }],
    ['messages refused or unacknowledged, all runs', (run) => run.failed, { total: true }],
    ['messages stored in MongoDB, all runs', (run) => run.stored, { total: true }],
    ['deliveries received, all runs', (run) => run.received, { total: true }],
    ['deliveries expected (acked × (clients − 1))', (run) => run.expected, { total: true }],
    ['messages not delivered to every client', (run) => run.incomplete, { total: true }],
    ['unrecognised messages received', (run) => run.foreign, { total: true }],
    ['delivery p50 ms', (run) => run.delivery.p50, { digits: 1 }],
    ['delivery p90 ms', (run) => run.delivery.p90, { digits: 1 }],
    ['delivery p99 ms', (run) => run.delivery.p99, { digits: 1 }],
    ['delivery max ms', (run) => run.delivery.max, { digits: 1 }],
    ['ack p50 ms', (run) => run.ack.p50, { digits: 1 }],
    ['ack p90 ms', (run) => run.ack.p90, { digits: 1 }],
    ['ack p99 ms', (run) => run.ack.p99, { digits: 1 }],
    ['delivery − ack of the same message p50 ms', (run) => run.afterAck.p50, { digits: 1 }],
    ['delivery − ack of the same message p99 ms', (run) => run.afterAck.p99, { digits: 1 }],
    ['client disconnects during the runs', (run) => run.disconnects, { total: true }],
  ];
}

/** One column per scenario (`results`: name → its runs), one row per figure. */
export function figureTable(results, socketsPerServer) {
  return Object.fromEntries(
    figureRows(socketsPerServer).map(([label, value, { digits = 0, total = false } = {}]) => [
      label,
      Object.fromEntries(
        Object.values(results).map((runs) => {
          const values = runs.flatMap((run) => value(run));
          if (values.some((one) => one === undefined)) return [runs[0].name, '— (no storage)'];
          return [
            runs[0].name,
            total ? sum(values).toLocaleString('en-US') : spread(values, digits),
          ];
        }),
      ),
    ]),
  );
}

/** Acknowledged against stored, in all the chat's runs: nothing acknowledged may be lost. */
export function lossLine(chatRuns) {
  const acked = sum(chatRuns.map((run) => run.acked));
  const stored = sum(chatRuns.map((run) => run.stored));
  const lost = acked - stored;
  return (
    `chat: ${acked} acknowledged, ${stored} stored in MongoDB` +
    (lost === 0
      ? ' (no loss)'
      : ` (${lost > 0 ? `${lost} LOST` : `${-lost} more stored than acked`})`) +
    `; deliveries ${sum(chatRuns.map((run) => run.received))} of ` +
    `${sum(chatRuns.map((run) => run.expected))} expected.`
  );
}

/** The issue's figures, the chat against the baseline, with per-run ratios. */
export function summaryLine({ baseline, chat }, clientCount, socketsPerServer) {
  const pair = (value, digits = 0) => [
    spread(chat.map(value), digits),
    spread(baseline.map(value), digits),
  ];
  const ratio = (value) =>
    spread(
      chat.map((run, index) => value(run) / value(baseline[index])),
      1,
    );
  const rss = (run) => mean(run.memory.holding.map((usage) => usage.rss)) / MIB;
  const heap = (run) => mean(run.memory.holding.map((usage) => usage.heapUsed)) / MIB;
  const [p99, bareP99] = pair((run) => run.delivery.p99);
  const [settled, bareSettled] = pair((run) => run.settledSeconds, 1);
  const lost = sum(chat.map((run) => run.acked - run.stored));
  return (
    `delivery p99 ${p99} ms vs ${bareP99} ms bare (${ratio((run) => run.delivery.p99)}×), ` +
    `ack p50 ${spread(chat.map((run) => run.ack.p50))} ms, ${lost} lost; ` +
    `instance holding ${socketsPerServer} sockets: RSS ${pair(rss).join(' vs ')} MiB bare ` +
    `(${ratio(rss)}×), heap ${pair(heap).join(' vs ')} MiB bare (${ratio(heap)}×); ` +
    `${clientCount} joins settled in ${settled} s vs ${bareSettled} s bare`
  );
}
