#!/usr/bin/env node
// Throughput and latency of `GET /api/articles?limit=20` through the gateway with 50 connections,
// over a blog database of 10,000 articles: served from the Redis cache (hit), and computed by the
// blog service every time (miss: each request asks for a page no one asked for before). Baseline
// in the same run: a bare Node `http` server that answers with the same bytes read from Redis.
// A second reference, a bare Express 5 app doing the same, shows what the framework itself costs.
// Usage: npm run bench:cache   (DURATION=10 CONNECTIONS=50 ARTICLES=10000 to change the load)
import http from 'node:http';
import os from 'node:os';
import autocannon from 'autocannon';
import express from 'express';
import { Redis } from 'ioredis';
import { seedArticles } from './lib/seed.mjs';
import { startBenchStack } from './lib/stack.mjs';

const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 50);
const articleCount = Number(process.env.ARTICLES ?? 10_000);
const hitPath = '/api/articles?limit=20';

function run(url, { distinctPages = false } = {}) {
  let page = 0;
  return autocannon({
    url,
    connections,
    duration,
    ...(distinctPages
      ? {
          requests: [
            {
              setupRequest: (request) => ({ ...request, path: `${hitPath}&offset=${(page += 1)}` }),
            },
          ],
        }
      : {}),
  });
}

function row(name, result, baseline) {
  return {
    name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'vs baseline': baseline
      ? `${((result.requests.average / baseline.requests.average) * 100).toFixed(0)}%`
      : '100%',
    errors: result.errors + result.non2xx,
  };
}

const stack = await startBenchStack('cache');
try {
  await seedArticles(stack.databaseUrls.blog, articleCount);
  const warm = await fetch(`${stack.baseUrl}${hitPath}`);
  const warmBody = await warm.text();
  const again = await fetch(`${stack.baseUrl}${hitPath}`);
  await again.arrayBuffer();
  if (again.headers.get('x-cache') !== 'HIT')
    throw new Error('the second read was not a cache hit');
  const { articlesCount } = JSON.parse(warmBody);

  // The baseline serves the very bytes the gateway serves, fetched from Redis on every request.
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const baselineKey = `${stack.redisKeyPrefix}bench-baseline`;
  await redis.set(baselineKey, warmBody);
  const bare = http.createServer(async (_request, response) => {
    const body = await redis.get(baselineKey);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareExpress = express();
  bareExpress.get('/api/articles', async (_request, response) => {
    const body = await redis.get(baselineKey);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  });
  const expressServer = http.createServer(bareExpress);
  await new Promise((resolve) => expressServer.listen(0, '127.0.0.1', resolve));

  const baseline = await run(`http://127.0.0.1:${bare.address().port}${hitPath}`);
  const expressOnly = await run(`http://127.0.0.1:${expressServer.address().port}${hitPath}`);
  const hit = await run(`${stack.baseUrl}${hitPath}`);
  const miss = await run(`${stack.baseUrl}${hitPath}`, { distinctPages: true });
  bare.close();
  expressServer.close();
  await redis.del(baselineKey);
  redis.disconnect();

  console.log(
    `\nGET ${hitPath} | ${articlesCount} articles | ${connections} connections × ${duration} s | ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model} | Node ${process.version} | load generator in the same machine`,
  );
  console.table([
    row('baseline: bare http + Redis GET', baseline),
    row('reference: bare Express 5 + Redis GET', expressOnly, baseline),
    row('gateway, cache hit', hit, baseline),
    row('gateway, cache miss (blog + PostgreSQL)', miss, baseline),
  ]);
  console.log(
    `hit / miss throughput: ${(hit.requests.average / miss.requests.average).toFixed(1)}×`,
  );
} finally {
  await stack.stop();
}
