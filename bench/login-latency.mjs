#!/usr/bin/env node
// Login latency at the configured argon2id cost, next to baselines measured in the same run:
// a bare health check (HTTP only), an authenticated read (JWT check + broker round trip + SQL),
// and argon2id verification alone in this process. Usage: npm run bench:login
import os from 'node:os';
import { hash, verify, argon2id } from 'argon2';
import { expectStatus, measure, startBenchStack } from './lib/stack.mjs';

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
  const user = {
    email: 'bench@example.com',
    username: 'bench',
    password: 'correct horse battery staple',
  };
  const signUp = await json('POST', '/api/users', { user });
  const { user: signedIn } = await signUp.json();

  const stored = await hash(user.password, {
    type: argon2id,
    memoryCost,
    timeCost,
    parallelism: 1,
  });
  const rows = [
    await measure('baseline: GET /health/live', () =>
      expectStatus(json('GET', '/health/live'), 200),
    ),
    await measure('baseline: argon2id verify in-process', async () => {
      if (!(await verify(stored, user.password))) throw new Error('verify failed');
    }),
    await measure('GET /api/user (JWT + RPC + SQL)', () =>
      expectStatus(json('GET', '/api/user', undefined, signedIn.token), 200),
    ),
    await measure('POST /api/users/login', () =>
      expectStatus(
        json('POST', '/api/users/login', { user: { email: user.email, password: user.password } }),
        200,
      ),
    ),
    await measure(
      'POST /api/users/login',
      () =>
        expectStatus(
          json('POST', '/api/users/login', {
            user: { email: user.email, password: user.password },
          }),
          200,
        ),
      { concurrency: 8 },
    ),
  ];
  console.log(
    `\nargon2id m=${memoryCost} KiB t=${timeCost} p=1 | ${os.cpus().length} × ${os.cpus()[0]?.model} | Node ${process.version}`,
  );
  console.table(rows);
} finally {
  await stack.stop();
}
