#!/usr/bin/env node
// Drives the compose stack's observability profile as a learner would, checks that it shows what
// it should, and saves screenshots of it: sends a few requests through the gateway, waits until
// Prometheus scrapes every target and Jaeger holds a trace that crossed RabbitMQ and the outbox
// (gateway → blog → chat), then photographs the Grafana dashboard, that trace and Prometheus's
// targets. Exits non-zero when any of it is missing. GitHub CI runs it (the observability job)
// and keeps the pictures as artifacts.
// Usage: OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318 docker compose --profile observability up -d --wait
//        node scripts/observability-screenshots.mjs [output folder, default screenshots]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const out = process.argv[2] ?? 'screenshots';
const gateway = process.env.GATEWAY_URL ?? 'http://localhost:3000';
const grafana = process.env.GRAFANA_URL ?? 'http://localhost:3300';
const jaeger = process.env.JAEGER_URL ?? 'http://localhost:16686';
const prometheus = process.env.PROMETHEUS_URL ?? 'http://localhost:9091';
const browserPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function until(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check().catch(() => undefined);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await delay(1_000);
  }
}

async function json(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status}`);
  return response.json();
}

const post = (path, body, token) =>
  json(`${gateway}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Token ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

// Some traffic: a sign-up, an article (relayed through the outbox to the chat), cached reads.
const name = `learner${Date.now().toString(36)}`;
const { user } = await post('/api/users', {
  user: { username: name, email: `${name}@example.com`, password: 'a long passphrase' },
});
const { article } = await post(
  '/api/articles',
  { article: { title: 'Watched', description: 'Traced', body: 'Through the broker.' } },
  user.token,
);
for (let read = 0; read < 20; read += 1) {
  await json(`${gateway}/api/articles/${article.slug}`);
  await json(`${gateway}/api/articles?limit=10`);
}

const up = await until('Prometheus to scrape every target', async () => {
  const { data } = await json(`${prometheus}/api/v1/query?query=up`);
  const jobs = data.result.filter((sample) => sample.value[1] === '1').map((s) => s.metric.job);
  return ['gateway', 'auth', 'blog', 'chat', 'rabbitmq'].every((job) => jobs.includes(job)) && jobs;
});
console.log(`Prometheus scrapes ${up.sort().join(', ')}`);

const trace = await until(
  "a trace from the gateway through the blog's outbox to the chat",
  async () => {
    const { data } = await json(`${jaeger}/api/traces?service=chat&limit=50&lookback=1h`);
    return data.find((candidate) => {
      const services = new Set(Object.values(candidate.processes).map((p) => p.serviceName));
      return ['gateway', 'blog', 'chat'].every((service) => services.has(service));
    });
  },
);
console.log(`trace ${trace.traceID}: ${trace.spans.length} spans`);

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: browserPath,
  headless: true,
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const shots = [
    ['grafana-dashboard.png', `${grafana}/d/capstone-overview?orgId=1&from=now-15m&to=now&kiosk`],
    ['jaeger-trace.png', `${jaeger}/trace/${trace.traceID}`],
    ['prometheus-targets.png', `${prometheus}/targets`],
  ];
  for (const [file, url] of shots) {
    await page.goto(url, { waitUntil: 'networkidle' });
    // Panels and trace timelines draw after their queries return.
    await delay(5_000);
    await page.screenshot({ path: join(out, file), fullPage: true });
    console.log(`saved ${join(out, file)} (${url})`);
  }
} finally {
  await browser.close();
}
