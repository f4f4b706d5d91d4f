#!/usr/bin/env node
// What telemetry costs the gateway's fastest path: throughput and latency of cache hits
// (`GET /api/articles?limit=20`, 50 connections) with the OpenTelemetry SDK off, on without an
// exporter (the default: trace ids for the logs, and metrics), and exporting traces over OTLP with
// 100% and 10% of requests sampled. One stack per setting, all running at once, measured in turn
// for a few rounds; medians are shown, and the first setting (SDK off) is the baseline. The OTLP endpoint is a sink in this process that
// reads and drops what it is sent, as a collector's receiver would before it does any work.
// Usage: npm run bench:telemetry   (DURATION=5 ROUNDS=3 CONNECTIONS=50 to change the load)
import http from 'node:http';
import os from 'node:os';
import autocannon from 'autocannon';
import { seedArticles } from './lib/seed.mjs';
import { cpuSeconds, rssBytes, startBenchStack } from './lib/stack.mjs';

const duration = Number(process.env.DURATION ?? 5);
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

const rounds = Number(process.env.ROUNDS ?? 3);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Every setting's stack runs at once, and the rounds take turns between them, so that whatever
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
    await autocannon({ url: `${stack.baseUrl}${hitPath}`, connections, duration: 3 });
  }
  const samples = settings.map(() => ({ rps: [], p50: [], p99: [], cpu: [], otlp: [], errors: 0 }));
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, stack] of stacks.entries()) {
      const gateway = stack.processes.find((process) => process.app === 'gateway');
      const cpuBefore = cpuSeconds(gateway.pid);
      const bytesBefore = sink.bytes;
      const result = await autocannon({ url: `${stack.baseUrl}${hitPath}`, connections, duration });
      const thousands = result.requests.total / 1000;
      const sample = samples[index];
      sample.rps.push(result.requests.average);
      sample.p50.push(result.latency.p50);
      sample.p99.push(result.latency.p99);
      sample.cpu.push(((cpuSeconds(gateway.pid) - cpuBefore) / result.requests.total) * 1e6);
      sample.otlp.push((sink.bytes - bytesBefore) / 1024 / thousands);
      sample.errors += result.errors + result.non2xx;
    }
  }
  const baseline = median(samples[0].rps);
  const rows = settings.map((setting, index) => {
    const sample = samples[index];
    const gateway = stacks[index].processes.find((process) => process.app === 'gateway');
    return {
      setting: setting.name,
      'req/s': Math.round(median(sample.rps)),
      'vs SDK off': `${((median(sample.rps) / baseline) * 100).toFixed(0)}%`,
      'p50 ms': median(sample.p50),
      'p99 ms': median(sample.p99),
      'gateway CPU µs/req': Math.round(median(sample.cpu)),
      'gateway RSS MiB': Math.round(rssBytes(gateway.pid) / 2 ** 20),
      'OTLP KiB/1k req': Math.round(median(sample.otlp)),
      errors: sample.errors,
    };
  });
  console.log(
    `\nGET ${hitPath} (cache hit) | ${connections} connections × ${duration} s × ${rounds} rounds, medians | ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model} | Node ${process.version} | load generator and OTLP sink in the same machine`,
  );
  console.table(rows);
} finally {
  for (const stack of stacks) await stack.stop();
}
receiver.close();
