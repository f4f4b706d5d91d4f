import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@capstone/testing';
import { startStack, type Stack } from './support/stack.js';

describe('structured logs with a correlation id across HTTP and the broker', () => {
  let stack: Stack;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    stack = await startStack('logs', {
      auth: { LOG_LEVEL: 'debug' },
      gateway: { LOG_LEVEL: 'debug' },
    });
  });

  afterAll(() => stack?.stop());

  function captureLogLines(): void {
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation(
      (chunk: string | Uint8Array, ...rest: unknown[]) => {
        for (const line of String(chunk).split('\n')) {
          if (line.startsWith('{')) lines.push(JSON.parse(line));
        }
        return write(chunk, ...(rest as []));
      },
    );
  }

  // Both apps run in this process and so share Nest's static logger: the `service` field of the
  // broker-side line is not asserted here (the JsonLogger unit tests cover it).
  it('writes one JSON line per HTTP request and per broker message, both with the request id', async () => {
    captureLogLines();
    const requestId = `trace-${Date.now()}`;
    const response = await stack.api.request('POST', '/api/users/login', {
      body: { user: { email: 'nobody@example.com', password: 'not a password' } },
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(401);

    const traced = await waitFor(() => {
      const found = lines.filter((line) => line['correlationId'] === requestId);
      return found.length >= 2 ? found : undefined;
    });
    expect(traced).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'handled', pattern: 'auth.login', status: 401 }),
        expect.objectContaining({
          service: 'gateway',
          msg: 'request',
          method: 'POST',
          path: '/api/users/login',
          status: 401,
          durationMs: expect.any(Number),
        }),
      ]),
    );
    for (const line of traced) expect(Date.parse(String(line['time']))).not.toBeNaN();
  });
});
