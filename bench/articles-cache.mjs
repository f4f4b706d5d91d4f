#!/usr/bin/env node
// Throughput and latency of `GET /api/articles?limit=20` through the gateway, over a blog database
// of ARTICLES articles: served from the Redis cache (hit), and computed by the blog service every
// time (miss: each request asks for a page no one asked for before), each next to a baseline
// measured in the same run, under the same load, by a bare server in a process of its own:
// - hit: a bare Node `http` server answering with the same bytes read from Redis on every request,
//   and, as a second reference, a bare Express 5 app doing the same (what the framework costs);
// - miss: a bare Node `http` server running the blog's own SQL with `pg` (bench/baselines/
//   http-sql.mjs), answering the same JSON. Both ask for the same pages, in the same order.
// A second table shows where the CPU went during each measurement.
// Usage: npm run bench:cache
//   DURATION=10      seconds of load per measurement
//   CONNECTIONS=50   concurrent connections
//   ARTICLES=10000   articles in the blog database (the miss runs ask for distinct pages of them)
//   RUNS=1           how many times each measurement is repeated (medians and min–max shown)
//   WARMUP=2         seconds of load on each server before the first run (JIT, pools)
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { startBaseline } from './lib/baseline.mjs';
import { describeMachine, localStores, machineLine, startWindow } from './lib/machine.mjs';
import { printCpuTable, runCount, runsLabel, runsNote, spread, summarize } from './lib/report.mjs';
import { seedArticles } from './lib/seed.mjs';
import { startBenchStack } from './lib/stack.mjs';

const startedAt = performance.now();
const machine = describeMachine();
const runs = runCount();
const duration = Number(process.env.DURATION ?? 10);
const warmup = Number(process.env.WARMUP ?? 2);
const connections = Number(process.env.CONNECTIONS ?? 50);
const articleCount = Number(process.env.ARTICLES ?? 10_000);
const limit = 20;
const hitPath = `/api/articles?limit=${limit}`;

/**
 * The offsets a miss run asks for, in order: every page start from 1 to `ARTICLES − limit` once,
 * in a golden-ratio stride, so that however many requests a server gets through, the offsets it
 * asked for are spread evenly (a large OFFSET costs PostgreSQL more than a small one).
 */
function pageOffsets() {
  const pages = articleCount - limit;
  const gcd = (a, b) => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.round(pages * 0.6180339887);
  while (gcd(stride, pages) !== 1) stride += 1;
  return (index) => 1 + ((index * stride) % pages);
}

/** One autocannon run; counts the X-Cache header of the answers. */
async function load(url, { pages = false, seconds = duration } = {}) {
  const offset = pageOffsets();
  let sent = 0;
  const xCache = { HIT: 0, MISS: 0 };
  const request = {
    onResponse: (_status, _body, _context, headers) => {
      const outcome = headers['x-cache'] ?? headers['X-Cache'];
      if (outcome in xCache) xCache[outcome] += 1;
    },
    ...(pages
      ? {
          setupRequest: (request) => ({
            ...request,
            path: `${hitPath}&offset=${offset(sent++)}`,
          }),
        }
      : {}),
  };
  const result = await autocannon({ url, connections, duration: seconds, requests: [request] });
  return { result, xCache };
}

const stack = await startBenchStack('cache');
const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
  keyPrefix: stack.redisKeyPrefix,
});
const baselines = [];
try {
  await seedArticles(stack.databaseUrls.blog, articleCount);
  const warmHitPage = async () => {
    for (let read = 0; read < 2; read += 1)
      await (await fetch(`${stack.baseUrl}${hitPath}`)).arrayBuffer();
  };
  await warmHitPage();
  const first = await fetch(`${stack.baseUrl}${hitPath}`);
  const firstBody = await first.text();
  if (first.headers.get('x-cache') !== 'HIT') throw new Error('the third read was not a cache hit');
  const { articlesCount } = JSON.parse(firstBody);

  // The Redis baselines serve the very bytes the gateway serves, read from Redis on every request.
  await redis.set('bench-baseline', firstBody);
  const redisEnv = {
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY: `${stack.redisKeyPrefix}bench-baseline`,
  };
  const start = async (name, script, env) => {
    const server = await startBaseline(name, script, env, { readyPath: hitPath });
    baselines.push(server);
    return server;
  };
  const bareHttp = await start('bare http + Redis', 'http-redis.mjs', redisEnv);
  const bareExpress = await start('bare Express 5 + Redis', 'express-redis.mjs', redisEnv);
  const bareSql = await start('bare http + pg (blog SQL)', 'http-sql.mjs', {
    DATABASE_URL: stack.databaseUrls.blog,
  });
  const sqlAnswer = await (await fetch(`${bareSql.url}${hitPath}`)).json();
  if (!isDeepStrictEqual(sqlAnswer, JSON.parse(firstBody)))
    throw new Error(`the bare SQL server's answer differs from the gateway's for ${hitPath}`);

  const app = (name) => stack.processes.find((process) => process.app === name);
  const gatewayAndBlog = [app('gateway'), app('blog')];
  const measurements = [
    {
      name: 'baseline: bare http + Redis GET',
      column: 'bare http',
      url: bareHttp.url,
      servers: [bareHttp],
    },
    {
      name: 'reference: bare Express 5 + Redis GET',
      column: 'Express',
      url: bareExpress.url,
      servers: [bareExpress],
    },
    {
      name: 'gateway, cache hit',
      column: 'gateway hit',
      url: stack.baseUrl,
      servers: gatewayAndBlog,
    },
    {
      name: 'baseline: bare http + pg, blog SQL (miss)',
      column: 'bare SQL',
      url: bareSql.url,
      servers: [bareSql],
      pages: true,
    },
    {
      name: 'gateway, cache miss (RabbitMQ + blog + PostgreSQL)',
      column: 'gateway miss',
      url: stack.baseUrl,
      servers: gatewayAndBlog,
      pages: true,
    },
  ];
  const prepare = {
    /** Before a gateway hit run: the page is in the cache. */
    'gateway hit': warmHitPage,
    /** Before a gateway miss run: no page of the list is (see `lists` in response-cache.ts). */
    'gateway miss': () => redis.incr('cache-generation:lists'),
  };
  const tracked = [
    ...stack.processes.map(({ name, pid }) => ({ name, pid })),
    ...baselines.map(({ name, pid }) => ({ name, pid })),
    ...localStores(['PostgreSQL', 'RabbitMQ', 'Redis']),
  ];

  for (const { url, pages, column } of measurements) {
    await prepare[column]?.();
    await load(`${url}${hitPath}`, { pages, seconds: warmup });
  }
  const results = measurements.map(() => []);
  // Run after run, every measurement in turn, so that whatever else the machine does in the
  // meantime weighs on each of them alike.
  for (let run = 0; run < runs; run += 1) {
    for (const [index, { url, pages, column, servers }] of measurements.entries()) {
      await prepare[column]?.();
      const window = startWindow(tracked);
      const { result, xCache } = await load(`${url}${hitPath}`, { pages });
      const ended = window.end();
      const serverSeconds = servers.reduce((sum, { name }) => sum + ended.cpuSeconds.get(name), 0);
      results[index].push({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
        total: result.requests.total,
        cpuPerRequest: (serverSeconds / result.requests.total) * 1e6,
        xCache,
        window: ended,
      });
    }
  }

  const of = (column, figure) =>
    results[measurements.findIndex((m) => m.column === column)].map((result) => result[figure]);
  const ratios = (column, reference) =>
    of(column, 'rps').map((rps, run) => (rps / of(reference, 'rps')[run]) * 100);
  const versus = {
    'bare http': () => '100%',
    Express: () => `${spread(ratios('Express', 'bare http'))}% of bare http`,
    'gateway hit': () => `${spread(ratios('gateway hit', 'bare http'))}% of bare http`,
    'bare SQL': () => '100%',
    'gateway miss': () => `${spread(ratios('gateway miss', 'bare SQL'))}% of bare SQL`,
  };
  const sum = (values) => values.reduce((total, value) => total + value, 0);
  console.log(
    `\nGET ${hitPath} | ${articlesCount} articles | ${connections} connections × ${duration} s | ` +
      `${runsLabel(runs)} | ${machineLine(machine)} | load generator in the same machine`,
  );
  console.table(
    measurements.map(({ name, column, servers }) => ({
      name,
      'req/s': spread(of(column, 'rps')),
      'p50 ms': spread(of(column, 'p50'), 1),
      'p99 ms': spread(of(column, 'p99'), 1),
      'vs baseline': versus[column](),
      errors: sum(of(column, 'errors')),
      'app CPU µs/req': spread(of(column, 'cpuPerRequest')),
      'X-Cache HIT / MISS': servers.includes(gatewayAndBlog[0])
        ? ['HIT', 'MISS']
            .map((outcome) =>
              sum(of(column, 'xCache').map((x) => x[outcome])).toLocaleString('en-US'),
            )
            .join(' / ')
        : '',
    })),
  );
  console.log(
    'app CPU µs/req: CPU time of the serving Node processes per request (gateway + blog for the ' +
      'gateway rows; the stores are not counted). X-Cache: answers of each kind in all runs.',
  );
  printCpuTable(
    measurements.map(({ column }) => ({ name: column, windows: of(column, 'window') })),
    machine.cores,
  );
  const hitOverMiss = of('gateway hit', 'rps').map(
    (rps, run) => rps / of('gateway miss', 'rps')[run],
  );
  summarize(
    'bench:cache',
    `hit ${spread(of('gateway hit', 'rps'))} req/s = ${spread(ratios('gateway hit', 'bare http'))}% ` +
      `of bare http + Redis (${spread(of('bare http', 'rps'))}), ` +
      `${spread(ratios('gateway hit', 'Express'))}% of bare Express; ` +
      `miss ${spread(of('gateway miss', 'rps'))} req/s, p50 ${spread(of('gateway miss', 'p50'), 1)} ms = ` +
      `${spread(ratios('gateway miss', 'bare SQL'))}% of the bare SQL server ` +
      `(${spread(of('bare SQL', 'rps'))}); hit/miss ${spread(hitOverMiss, 1)}×; ${runsNote(runs)}`,
    startedAt,
  );
} finally {
  for (const baseline of baselines) await baseline.stop();
  redis.disconnect();
  await stack.stop();
}
