// Starts the production builds of auth and gateway as separate processes, each with a fresh
// database, RabbitMQ virtual host and Redis key prefix, for benchmarks. Stops and cleans up after.
// On request also one or more chat instances, sharing a fresh MongoDB database and a Redis prefix.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { startWindow } from './machine.mjs';

const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const amqpUrl = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const managementUrl =
  process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const mongoUrl = process.env.TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27017';

export async function freePort() {
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

/** Deletes every Redis key that starts with `prefix`. */
export async function dropRedisKeys(prefix) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

async function dropMongoDatabase(name) {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Resident memory of a process in bytes (VmRSS in /proc/<pid>/status), or null if it is gone. */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Copies a child's standard error to this process's, less what Node prints each time the
 * inspector is attached to read its memory (see inspector.mjs).
 */
export function forwardStderr(child) {
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (!/^(Debugger attached\.|Waiting for the debugger to disconnect\.\.\.)$/.test(line))
      process.stderr.write(`${line}\n`);
  });
}

export async function waitReady(url) {
  for (let attempt = 0; attempt < 300; attempt += 1) {
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

/**
 * Starts auth, blog and gateway from their production builds; returns their URLs and databases.
 * `options.apps` chooses the apps (any of auth, blog, gateway, chat; default auth, blog, gateway)
 * and `options.chatInstances` how many chat instances to run (default 1), on different ports
 * with one MongoDB database, one Redis key prefix and the stack's vhost, as replicas would.
 * `options.inspect` names the apps whose processes listen for the inspector (on 127.0.0.1, port
 * `inspectPort` of their entry in `processes`), so that their memory can be read after a GC.
 */
export async function startBenchStack(label, extraEnv = {}, options = {}) {
  const apps = options.apps ?? APPS;
  const chatInstances = apps.includes('chat') ? (options.chatInstances ?? 1) : 0;
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...apps], {
    stdio: 'ignore',
  });
  if (build.status !== 0) throw new Error('build failed: run `npm run build` to see why');

  const id = `${label}_${Date.now().toString(36)}`;
  const databases = Object.fromEntries(
    ['auth', 'blog']
      .filter((app) => apps.includes(app))
      .map((app) => [app, `capstone_bench_${app}_${id}`]),
  );
  const mongoDatabase = `capstone_bench_chat_${id}`;
  const redisKeyPrefix = `capstone-bench:${id}:`;
  const chatRedisKeyPrefix = `${redisKeyPrefix}chat:`;
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
  const chatPorts = [];
  for (let i = 0; i < chatInstances; i += 1) chatPorts.push(await freePort());
  const mongoDatabaseUrl = (() => {
    const url = new URL(mongoUrl);
    url.pathname = `/${mongoDatabase}`;
    return url.toString();
  })();
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
      // Its own metrics port too, so that several stacks can run side by side.
      METRICS_PORT: String(await freePort()),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      ...(chatInstances > 0 ? { CHAT_URL: `http://127.0.0.1:${chatPorts[0]}` } : {}),
    },
  };
  // One entry per process: the chat may run several times, on different ports.
  const inspected = new Set(options.inspect ?? []);
  const instances = apps.flatMap((app) =>
    app === 'chat'
      ? chatPorts.map((port, index) => ({
          name: `chat-${index + 1}`,
          app,
          port,
          env: {
            PORT: String(port),
            MONGO_URL: mongoDatabaseUrl,
            REDIS_URL: redisUrl,
            REDIS_KEY_PREFIX: chatRedisKeyPrefix,
          },
        }))
      : [{ name: app, app, port: ports[app], env: environments[app] }],
  );
  for (const instance of instances)
    if (inspected.has(instance.app)) instance.inspectPort = await freePort();
  // As the images and `npm start` run them: telemetry loaded first (see each app's telemetry.ts).
  const children = instances.map(({ app, env, inspectPort }) =>
    spawn(
      'node',
      [
        ...(inspectPort
          ? [`--inspect=127.0.0.1:${inspectPort}`, '--inspect-publish-uid=http']
          : []),
        '--enable-source-maps',
        '--import',
        `./dist/apps/${app}/telemetry.js`,
        `dist/apps/${app}/main.js`,
      ],
      { env: { ...common, ...env }, stdio: ['ignore', 'inherit', 'pipe'] },
    ),
  );
  for (const child of children) forwardStderr(child);

  async function stop() {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) =>
            child.exitCode !== null || child.signalCode !== null
              ? resolve()
              : child.once('exit', resolve),
          ),
      ),
    );
    for (const name of Object.values(databases))
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await management('DELETE', `/api/vhosts/${vhost}`);
    if (chatInstances > 0) await dropMongoDatabase(mongoDatabase);
    await dropRedisKeys(redisKeyPrefix);
  }

  try {
    for (const { port } of instances) await waitReady(`http://127.0.0.1:${port}/health/ready`);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    baseUrl: `http://127.0.0.1:${ports.gateway}`,
    redisKeyPrefix,
    databaseUrls: Object.fromEntries(
      Object.entries(databases).map(([app, name]) => [app, databaseUrl(name)]),
    ),
    /** Every started process: `{ name, app, port, pid, inspectPort? }`; chat-1, chat-2… */
    processes: instances.map(({ name, app, port, inspectPort }, index) => ({
      name,
      app,
      port,
      pid: children[index].pid,
      inspectPort,
    })),
    chatUrls: chatPorts.map((port) => `http://127.0.0.1:${port}`),
    chatRedisKeyPrefix,
    mongo: { url: mongoUrl, database: mongoDatabase },
    stop,
  };
}

/**
 * Latency percentiles (ms) and throughput (req/s) of `count` calls of `call`, `concurrency` at a
 * time, after `warmup` calls; `errors` counts the calls that threw (warm-up included), `window`
 * is where the CPU went meanwhile (see machine.mjs), over `processes`.
 */
export async function measure(call, processes, { count = 200, concurrency = 1, warmup = 10 } = {}) {
  let errors = 0;
  const counted = async (index) => {
    try {
      await call(index);
    } catch (error) {
      if (errors === 0) console.error(`first failed call: ${error.message}`);
      errors += 1;
    }
  };
  for (let i = 0; i < warmup; i += 1) await counted(i);
  const durations = [];
  let next = 0;
  const window = startWindow(processes);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const t0 = performance.now();
        await counted(index);
        durations.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  durations.sort((a, b) => a - b);
  const pct = (p) =>
    durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))];
  const [p50, p90, p99] = [pct(50), pct(90), pct(99)];
  return { p50, p90, p99, rps: count / elapsed, errors, window: window.end() };
}

export async function expectStatus(responsePromise, status) {
  const response = await responsePromise;
  await response.arrayBuffer();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}`);
}
