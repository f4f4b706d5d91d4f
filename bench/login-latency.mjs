#!/usr/bin/env node
// Login latency at the configured argon2id cost, next to baselines measured in the same run:
// a bare health check (HTTP only), an authenticated read (JWT check + broker round trip + SQL),
// and argon2id verification alone in this process. Each measurement is REQUESTS calls, repeated
// RUNS times; a second table shows where the CPU went during each.
// Usage: npm run bench:login
//   RUNS=1              how many times each measurement is repeated (medians and min–max shown)
//   REQUESTS=200        calls per measurement (after 10 warm-up calls)
//   ARGON2_MEMORY_KIB=19456 ARGON2_TIME_COST=2   the password hashing cost, as the auth's settings
import { hash, verify, argon2id } from 'argon2';
import { describeMachine, localStores, machineLine } from './lib/machine.mjs';
import { printCpuTable, runCount, runsLabel, runsNote, spread, summarize } from './lib/report.mjs';
import { expectStatus, measure, startBenchStack } from './lib/stack.mjs';

const startedAt = performance.now();
const machine = describeMachine();
const runs = runCount();
const requests = Number(process.env.REQUESTS ?? 200);
const memoryCost = Number(process.env.ARGON2_MEMORY_KIB ?? 19456);
const timeCost = Number(process.env.ARGON2_TIME_COST ?? 2);
const stack = await startBenchStack('login', {
  ARGON2_MEMORY_KIB: String(memoryCost),
  ARGON2_TIME_COST: String(timeCost),
});

try {
  const json = (method, path, body, token) =>
    fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Token ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  // Eight accounts, so that eight logins at once are eight people signing in: the gateway's login
  // throttle counts every attempt of one account while it runs and stops a ninth (429).
  const concurrentLogins = 8;
  const password = 'correct horse battery staple';
  const users = Array.from({ length: concurrentLogins }, (_, i) => ({
    email: `bench${i}@example.com`,
    username: `bench${i}`,
    password,
  }));
  const tokens = [];
  for (const user of users) {
    const signUp = await json('POST', '/api/users', { user });
    if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
    tokens.push((await signUp.json()).user.token);
  }

  const stored = await hash(password, {
    type: argon2id,
    memoryCost,
    timeCost,
    parallelism: 1,
  });
  const login = (index) =>
    expectStatus(
      json('POST', '/api/users/login', {
        user: { email: users[index % users.length].email, password },
      }),
      200,
    );
  const measurements = [
    {
      name: 'baseline: GET /health/live',
      column: 'health',
      call: () => expectStatus(json('GET', '/health/live'), 200),
    },
    {
      name: 'baseline: argon2id verify in-process',
      column: 'argon2id alone',
      call: async () => {
        if (!(await verify(stored, password))) throw new Error('verify failed');
      },
    },
    {
      name: 'GET /api/user (JWT + RPC + SQL)',
      column: 'GET /api/user',
      call: () => expectStatus(json('GET', '/api/user', undefined, tokens[0]), 200),
    },
    { name: 'POST /api/users/login', column: 'login', call: () => login(0) },
    {
      name: 'POST /api/users/login',
      column: `login ×${concurrentLogins}`,
      call: login,
      concurrency: concurrentLogins,
    },
  ];
  const tracked = [
    ...stack.processes.map(({ name, pid }) => ({ name, pid })),
    ...localStores(['PostgreSQL', 'RabbitMQ', 'Redis']),
  ];
  // Run after run, every measurement in turn, so that whatever else the machine does in the
  // meantime weighs on each of them alike.
  const results = measurements.map(() => []);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, { call, concurrency = 1 }] of measurements.entries()) {
      results[index].push(await measure(call, tracked, { count: requests, concurrency }));
    }
  }
  const of = (index, figure) => results[index].map((result) => result[figure]);
  console.log(
    `\nargon2id m=${memoryCost} KiB t=${timeCost} p=1 | ${requests} calls per measurement | ` +
      `${runsLabel(runs)} | ${machineLine(machine)} | load generator in the same machine`,
  );
  console.table(
    measurements.map(({ name, concurrency = 1 }, index) => ({
      name,
      concurrency,
      'p50 ms': spread(of(index, 'p50'), 1),
      'p90 ms': spread(of(index, 'p90'), 1),
      'p99 ms': spread(of(index, 'p99'), 1),
      'req/s': spread(of(index, 'rps')),
      errors: of(index, 'errors').reduce((sum, errors) => sum + errors, 0),
    })),
  );
  printCpuTable(
    measurements.map(({ column }, index) => ({ name: column, windows: of(index, 'window') })),
    machine.cores,
  );
  const loginP50 = spread(of(3, 'p50'));
  const verifyP50 = spread(of(1, 'p50'));
  const ratio = spread(
    results[3].map((result, run) => result.p50 / results[1][run].p50),
    1,
  );
  summarize(
    'bench:login',
    `login p50 ${loginP50} ms against ${verifyP50} ms for argon2id verify alone (${ratio}×); ${runsNote(runs)}`,
    startedAt,
  );
} finally {
  await stack.stop();
}
