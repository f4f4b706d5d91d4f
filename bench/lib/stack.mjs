// Starts the production builds of auth and gateway as separate processes, each with a fresh
// database, RabbitMQ virtual host and Redis key prefix, for benchmarks. Stops and cleans up after.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const amqpUrl = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const managementUrl =
  process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function management(method, path) {
  const base = new URL(managementUrl);
  const auth = Buffer.from(`${base.username}:${base.password}`).toString('base64');
  const response = await fetch(`${base.protocol}//${base.host}${path}`, {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body:
      method === 'PUT'
        ? JSON.stringify(
            path.startsWith('/api/permissions') ? { configure: '.*', write: '.*', read: '.*' } : {},
          )
        : undefined,
  });
  if (!response.ok && response.status !== 404)
    throw new Error(`${method} ${path}: ${response.status}`);
}

async function waitReady(url) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`${url} never became ready`);
}

const APPS = ['auth', 'blog', 'gateway'];

/** Starts auth, blog and gateway from their production builds; returns their URLs and databases. */
export async function startBenchStack(label, extraEnv = {}) {
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APPS], {
    stdio: 'ignore',
  });
  if (build.status !== 0) throw new Error('build failed: run `npm run build` to see why');

  const id = `${label}_${Date.now().toString(36)}`;
  const databases = { auth: `capstone_bench_auth_${id}`, blog: `capstone_bench_blog_${id}` };
  const vhost = `capstone-bench-${id}`;
  for (const name of Object.values(databases)) await admin(`CREATE DATABASE "${name}"`);
  await management('PUT', `/api/vhosts/${vhost}`);
  await management('PUT', `/api/permissions/${vhost}/${new URL(amqpUrl).username || 'guest'}`);

  const databaseUrl = (name) => {
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const ports = { auth: await freePort(), blog: await freePort(), gateway: await freePort() };
  const common = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    AMQP_URL: `${amqpUrl}/${vhost}`,
    ...extraEnv,
  };
  const environments = {
    auth: { PORT: String(ports.auth), DATABASE_URL: databaseUrl(databases.auth) },
    blog: { PORT: String(ports.blog), DATABASE_URL: databaseUrl(databases.blog) },
    gateway: {
      PORT: String(ports.gateway),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `capstone-bench:${id}:`,
    },
  };
  const children = APPS.map((app) =>
    spawn('node', [`dist/apps/${app}/apps/${app}/src/main.js`], {
      env: { ...common, ...environments[app] },
      stdio: 'inherit',
    }),
  );
  for (const app of APPS) await waitReady(`http://127.0.0.1:${ports[app]}/health/ready`);

  return {
    baseUrl: `http://127.0.0.1:${ports.gateway}`,
    redisKeyPrefix: environments.gateway.REDIS_KEY_PREFIX,
    databaseUrls: { auth: databaseUrl(databases.auth), blog: databaseUrl(databases.blog) },
    async stop() {
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) =>
              child.exitCode !== null ? resolve() : child.once('exit', resolve),
            ),
        ),
      );
      for (const name of Object.values(databases))
        await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await management('DELETE', `/api/vhosts/${vhost}`);
    },
  };
}

/** Latency percentiles and throughput of `count` calls of `call`, `concurrency` at a time. */
export async function measure(name, call, { count = 200, concurrency = 1, warmup = 10 } = {}) {
  for (let i = 0; i < warmup; i += 1) await call(i);
  const durations = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const t0 = performance.now();
        await call(index);
        durations.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  durations.sort((a, b) => a - b);
  const pct = (p) =>
    durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))];
  return {
    name,
    concurrency,
    requests: count,
    'p50 ms': pct(50).toFixed(1),
    'p90 ms': pct(90).toFixed(1),
    'p99 ms': pct(99).toFixed(1),
    'req/s': (count / elapsed).toFixed(0),
  };
}

export async function expectStatus(responsePromise, status) {
  const response = await responsePromise;
  await response.arrayBuffer();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}`);
}
