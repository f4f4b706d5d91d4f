import { describe, expect, it } from 'vitest';
import { waitForDeploySteps, type DeployStep } from './deploy-gate.js';
import { retryUntil } from './retry-until.js';

/** A step that reports `pending` for its first looks, then nothing. */
function stepDoneAfter(looks: number, pending: string): DeployStep & { looks: number } {
  const step = {
    looks: 0,
    pending: async () => {
      step.looks += 1;
      return step.looks > looks ? [] : [pending];
    },
  };
  return step;
}

const quick = { timeoutMs: 2_000, retryEveryMs: 10 };

describe('waitForDeploySteps, the deploy gate of an app', () => {
  it('returns once every step reports nothing pending, telling what it waited for', async () => {
    const migrations = stepDoneAfter(3, 'migration CreateAccounts1764000000001');
    const topology = stepDoneAfter(1, 'queue auth.rpc');
    const told: (readonly string[])[] = [];

    await waitForDeploySteps([migrations, topology], { ...quick, onWaiting: (p) => told.push(p) });

    expect(migrations.looks).toBe(4);
    expect(told[0]).toEqual(['migration CreateAccounts1764000000001', 'queue auth.rpc']);
    expect(told.at(-1)).toEqual(['migration CreateAccounts1764000000001']);
  });

  it('gives up after the wait, naming what is still pending', async () => {
    await expect(
      waitForDeploySteps([stepDoneAfter(Infinity, 'queue chat.events')], {
        timeoutMs: 1_000,
        retryEveryMs: 50,
      }),
    ).rejects.toThrow(
      'the deploy steps were not done within 1 s: still pending: queue chat.events',
    );
  });

  it('fails at once on what waiting will not mend', async () => {
    let looks = 0;
    const refused: DeployStep = {
      pending: async () => {
        looks += 1;
        throw new Error('ACCESS_REFUSED');
      },
    };
    await expect(waitForDeploySteps([refused], quick)).rejects.toThrow('ACCESS_REFUSED');
    expect(looks).toBe(1);
  });
});

describe('retryUntil, the one wait of the deploy steps', () => {
  it('retries transient failures until the attempt succeeds', async () => {
    let attempts = 0;
    const retried: unknown[] = [];
    const result = await retryUntil(
      async () => {
        attempts += 1;
        if (attempts < 3)
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return 'connected';
      },
      { ...quick, timedOut: 'x', isTransient: () => true, onRetry: (e) => retried.push(e) },
    );
    expect([result, attempts, retried.length]).toEqual(['connected', 3, 2]);
  });
});
