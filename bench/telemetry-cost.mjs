#!/usr/bin/env node
// What telemetry costs the gateway's fastest path: throughput and latency of cache hits
// (`GET /api/articles?limit=20`, 50 connections) with the OpenTelemetry SDK off, on without an
// exporter (the default: spans for trace ids in logs, and metrics), and exporting traces over
// OTLP with 100% and 10% of requests sampled. One stack per setting, one after the other in the
// same run; the first (SDK off) is the baseline. The OTLP endpoint is a sink in this process that
// reads and drops what it is sent, as a collector's receiver would before it does any work.
// Usage: npm run bench:telemetry   (DURATION=10 CONNECTIONS=50 to change the load)
import http from 'node:http';
import os from 'node:os';
import autocannon from 'autocannon';
import { seedArticles } from './lib/seed.mjs';
import { cpuSeconds, rssBytes, startBenchStack } from './lib/stack.mjs';

const duration = Number(process.env.DURATION ?? 10);
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

const rows = [];
let baseline;
for (const setting of settings) {
  const stack = await startBenchStack('telemetry', setting.env, { apps: ['blog', 'gateway'] });
  try {
    await seedArticles(stack.databaseUrls.blog, 1_000);
    for (let read = 0; read < 2; read += 1)
      await (await fetch(`${stack.baseUrl}${hitPath}`)).text();
    const check = await fetch(`${stack.baseUrl}${hitPath}`);
    await check.text();
    if (check.headers.get('x-cache') !== 'HIT') throw new Error('the reads are not cache hits');
    // A short warm-up, so that each setting is measured with a JIT-compiled gateway.
    await autocannon({ url: `${stack.baseUrl}${hitPath}`, connections, duration: 3 });
    const gateway = stack.processes.find((process) => process.app === 'gateway');
    const cpuBefore = cpuSeconds(gateway.pid);
    const sent = { ...sink };
    const result = await autocannon({ url: `${stack.baseUrl}${hitPath}`, connections, duration });
    const requests = result.requests.total;
    baseline ??= result;
    rows.push({
      setting: setting.name,
      'req/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      'vs SDK off': `${((result.requests.average / baseline.requests.average) * 100).toFixed(0)}%`,
      'gateway CPU µs/req': Math.round(((cpuSeconds(gateway.pid) - cpuBefore) / requests) * 1e6),
      'gateway RSS MiB': Math.round(rssBytes(gateway.pid) / 2 ** 20),
      'OTLP KiB/1k req': Math.round((sink.bytes - sent.bytes) / 1024 / (requests / 1000)),
      errors: result.errors + result.non2xx,
    });
  } finally {
    await stack.stop();
  }
}
receiver.close();

console.log(
  `\nGET ${hitPath} (cache hit) | ${connections} connections × ${duration} s | ` +
    `${os.cpus().length} × ${os.cpus()[0]?.model} | Node ${process.version} | load generator and OTLP sink in the same machine`,
);
console.table(rows);
