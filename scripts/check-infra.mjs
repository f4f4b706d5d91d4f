#!/usr/bin/env node
// Runs before the test suite: every integration test needs these servers, so say at once which
// one is missing and how to start it, instead of letting hundreds of tests time out.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

const servers = [
  [
    'PostgreSQL',
    process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    5432,
  ],
  ['Redis', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', 6379],
  ['RabbitMQ', process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', 5672],
  [
    'RabbitMQ management API',
    process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://127.0.0.1:15672',
    15672,
  ],
  ['MongoDB (or FerretDB)', process.env.TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27017', 27017],
];

function answers(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 3000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

// Programs the tests start or call: Prometheus scrapes the services in the telemetry tests, and
// promtool checks the compose profile's Prometheus configuration.
const programs = [
  ['Prometheus', process.env.TEST_PROMETHEUS_BIN ?? 'prometheus'],
  ['promtool', 'promtool'],
];
const absent = programs.filter(([, command]) => spawnSync(command, ['--version']).error);
for (const [name, command] of absent) console.error(`✗ ${name} (${command}) is not installed`);
if (absent.length > 0)
  console.error(`
Install Prometheus, which brings both: apt-get install prometheus (Debian, Ubuntu),
brew install prometheus (macOS), or set TEST_PROMETHEUS_BIN to a prometheus binary.
`);

const results = await Promise.all(
  servers.map(async ([name, url, port]) => ({ name, url, ok: await answers(url, port) })),
);
const missing = results.filter((result) => !result.ok);
if (missing.length > 0 || absent.length > 0) {
  for (const { name, url } of missing) console.error(`✗ ${name} does not answer at ${url}`);
  if (missing.length > 0)
    console.error(`
The tests run against real servers. Start them with Docker:
    docker compose -f docker-compose.yml -f docker-compose.host-stores.yml up -d postgres mongo redis rabbitmq
or point the tests at yours with TEST_POSTGRES_URL, TEST_REDIS_URL, TEST_AMQP_URL,
TEST_RABBITMQ_MANAGEMENT_URL and TEST_MONGO_URL (see README.md, "Running the tests").`);
  process.exit(1);
}
