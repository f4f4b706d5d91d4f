#!/usr/bin/env node
// `npm start`: runs the whole stack on this machine against local PostgreSQL, Redis and RabbitMQ
// (URLs from the environment, localhost by default). Builds the apps, creates the databases they
// own if missing, declares the broker topology, then runs each app's production build, as its
// container would, until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';

const postgresAdminUrl =
  process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databases = {
  auth: process.env.AUTH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/auth',
  blog: process.env.BLOG_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/blog',
};

const apps = [
  { name: 'auth', env: { PORT: process.env.AUTH_PORT ?? '3001', DATABASE_URL: databases.auth } },
  { name: 'blog', env: { PORT: process.env.BLOG_PORT ?? '3002', DATABASE_URL: databases.blog } },
  // MONGO_URL, REDIS_URL and AMQP_URL come from the environment, localhost by default.
  { name: 'chat', env: { PORT: process.env.CHAT_PORT ?? '3003' } },
  {
    name: 'gateway',
    env: {
      PORT: process.env.PORT ?? '3000',
      CHAT_URL: `http://127.0.0.1:${process.env.CHAT_PORT ?? '3003'}`,
    },
  },
];

async function ensureDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`created database ${name}`);
    }
  } finally {
    await admin.end();
  }
}

const build = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'build', '-p', ...apps.map((app) => app.name)],
  {
    stdio: 'inherit',
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

for (const url of Object.values(databases)) await ensureDatabase(url);

// The broker topology first, as compose and Kubernetes declare it before the apps start.
const topology = spawnSync('node', ['dist/apps/gateway/broker-topology.js'], { stdio: 'inherit' });
if (topology.status !== 0) process.exit(topology.status ?? 1);

const children = apps.map((app) => {
  const child = spawn(
    'node',
    [
      '--enable-source-maps',
      '--import',
      `./dist/apps/${app.name}/telemetry.js`,
      `dist/apps/${app.name}/main.js`,
    ],
    {
      env: { ...process.env, ...app.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  child.on('exit', (code, signal) => {
    console.log(`${app.name} exited (${signal ?? code}); stopping the stack`);
    shutdown(code ?? 1);
  });
  return child;
});

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1_000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
console.log(`gateway: http://localhost:${apps.at(-1).env.PORT}  (API under /api, docs at /docs)`);
