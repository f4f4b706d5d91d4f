#!/usr/bin/env node
// What telemetry costs the gateway's fastest path: throughput and latency of cache hits
// (`GET /api/articles?limit=20`, 50 connections) with the OpenTelemetry SDK off, on without an
// exporter (the default: trace ids for the logs, and metrics), and exporting traces over OTLP with
// 100% and 10% of requests sampled. One stack per setting, all running at once, measured in turn
// for a few runs; medians are shown, and the first setting (SDK off) is the baseline. The OTLP
// endpoint is a sink in this process that reads and drops what it is sent, as a collector's
// receiver would before it does any work. A second table shows where the CPU went during each.
// Usage: npm run bench:telemetry
//   DURATION=5       seconds of load per measurement
//   CONNECTIONS=50   concurrent connections
//   RUNS=3           rounds over the four settings (medians and min–max shown)
//   WARMUP=3         seconds of load on each gateway before the first run (JIT)
import http from 'node:http';
import autocannon from 'autocannon';
import { describeMachine, localStores, machineLine, startWindow } from './lib/machine.mjs';
import { printCpuTable, runCount, runsLabel, runsNote, spread, summarize } from './lib/report.mjs';
import { seedArticles } from './lib/seed.mjs';
import { rssBytes, startBenchStack } from './lib/stack.mjs';

const startedAt = performance.now();
const machine = describeMachine();
const duration = Number(process.env.DURATION ?? 5);
const warmup = Number(process.env.WARMUP ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 50);
const hitPath = '/api/articles?limit=20';

const sink = { requests: 0, bytes: 0 };
const receiver = http.createServer((request, response) => {
  sink.requests += 1;
  request.on('data', (chunk) => (sink.bytes += chunk.length));
  request.on('end', () =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  );
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${receiver.address().port}`;

const exporting = (ratio) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: String(ratio),
});
const settings = [
  { name: 'SDK off (OTEL_SDK_DISABLED=true)', env: { OTEL_SDK_DISABLED: 'true' } },
  { name: 'SDK on, no exporter (the default)', env: {} },
  { name: 'traces exported, 100% sampled', env: exporting(1) },
  { name: 'traces exported, 10% sampled', env: exporting(0.1) },
];

const runs = runCount(3);

// Every setting's stack runs at once, and the runs take turns between them, so that whatever
// else the machine does in the meantime weighs on each setting alike.
const stacks = [];
try {
  for (const setting of settings) {
    const stack = await startBenchStack('telemetry', setting.env, { apps: ['blog', 'gateway'] });
    stacks.push(stack);
    await seedArticles(stack.databaseUrls.blog, 1_000);
    for (let read = 0; read < 2; read += 1)
      await (await fetch(`${stack.baseUrl}${hitPath}`)).text();
    const check = await fetch(`${stack.baseUrl}${hitPath}`);
    await check.text();
    if (check.headers.get('x-cache') !== 'HIT') throw new Error('the reads are not cache hits');
    // A short warm-up, so that each setting is measured with a JIT-compiled gateway.
    await autocannon({ url: `${stack.baseUrl}${hitPath}`, connections, duration: warmup });
  }
  const gateways = stacks.map((stack) => stack.processes.find(({ app }) => app === 'gateway'));
  const tracked = [
    ...stacks.flatMap((stack, index) =>
      stack.processes.map(({ name, pid }) => ({ name: `${name} (${index + 1})`, pid })),
    ),
    ...localStores(['PostgreSQL', 'RabbitMQ', 'Redis']),
  ];
  const samples = settings.map(() => ({
    rps: [],
    p50: [],
    p99: [],
    cpu: [],
    otlp: [],
    windows: [],
    errors: 0,
  }));
  for (let run = 0; run < runs; run += 1) {
    for (const [index, stack] of stacks.entries()) {
      const bytesBefore = sink.bytes;
      const window = startWindow(tracked);
      const result = await autocannon({ url: `${stack.baseUrl}${hitPath}`, connections, duration });
      const ended = window.end();
      const thousands = result.requests.total / 1000;
      const sample = samples[index];
      sample.rps.push(result.requests.average);
      sample.p50.push(result.latency.p50);
      sample.p99.push(result.latency.p99);
      sample.cpu.push(
        (ended.cpuSeconds.get(`gateway (${index + 1})`) / result.requests.total) * 1e6,
      );
      sample.otlp.push((sink.bytes - bytesBefore) / 1024 / thousands);
      sample.windows.push(ended);
      sample.errors += result.errors + result.non2xx;
    }
  }
  const versusOff = (index) =>
    samples[index].rps.map((rps, run) => (rps / samples[0].rps[run]) * 100);
  const rows = settings.map((setting, index) => {
    const sample = samples[index];
    return {
      setting: `(${index + 1}) ${setting.name}`,
      'req/s': spread(sample.rps),
      'vs SDK off': `${spread(versusOff(index))}%`,
      'p50 ms': spread(sample.p50, 1),
      'p99 ms': spread(sample.p99, 1),
      'gateway CPU µs/req': spread(sample.cpu),
      'gateway RSS MiB': Math.round(rssBytes(gateways[index].pid) / 2 ** 20),
      'OTLP KiB/1k req': spread(sample.otlp),
      errors: sample.errors,
    };
  });
  console.log(
    `\nGET ${hitPath} (cache hit) | ${connections} connections × ${duration} s | ${runsLabel(runs)} | ` +
      `${machineLine(machine)} | load generator and OTLP sink in the same machine`,
  );
  console.table(rows);
  printCpuTable(
    settings.map((_setting, index) => ({
      name: `(${index + 1})`,
      windows: samples[index].windows,
    })),
    machine.cores,
  );
  summarize(
    'bench:telemetry',
    settings
      .slice(1)
      .map(
        (setting, index) =>
          `${setting.name}: ${spread(versusOff(index + 1))}% of SDK off, ` +
          `${spread(samples[index + 1].cpu)} µs gateway CPU/req`,
      )
      .join('; ') +
      ` (SDK off: ${spread(samples[0].rps)} req/s, ${spread(samples[0].cpu)} µs/req); ${runsNote(runs)}`,
    startedAt,
  );
} finally {
  for (const stack of stacks) await stack.stop();
}
receiver.close();
