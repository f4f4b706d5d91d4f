import { Logger } from '@nestjs/common';
import type { HealthIndicator } from '@capstone/health';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsumerGate, type PausableConsumer } from './consumer-gate.js';

/** A dependency the test takes down and brings back. */
function dependency(name: string, critical: boolean) {
  const state = { up: true };
  const indicator: HealthIndicator = {
    name,
    critical,
    check: async () => {
      if (!state.up) throw new Error(`${name} refused the connection`);
    },
  };
  return { indicator, state };
}

/** A consumer that records whether it takes messages. */
function consumer() {
  const taking = { now: true, changes: 0 };
  const pausable: PausableConsumer = {
    pause: async () => {
      taking.now = false;
      taking.changes++;
    },
    resume: async () => {
      taking.now = true;
      taking.changes++;
    },
  };
  return { pausable, taking };
}

const gates: ConsumerGate[] = [];
afterEach(() => {
  for (const gate of gates.splice(0)) gate.onModuleDestroy();
});

function gateOver(indicators: HealthIndicator[]): ConsumerGate {
  vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  const gate = new ConsumerGate(indicators);
  gates.push(gate);
  return gate;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('ConsumerGate', () => {
  it('pauses every consumer while a critical dependency is down, and resumes them after', async () => {
    const database = dependency('postgres', true);
    const [rpc, events] = [consumer(), consumer()];
    gateOver([database.indicator]).watch([rpc.pausable, events.pausable], 10);

    await settle();
    expect([rpc.taking.changes, events.taking.changes]).toEqual([0, 0]);

    database.state.up = false;
    await vi.waitFor(() => expect([rpc.taking.now, events.taking.now]).toEqual([false, false]));

    database.state.up = true;
    await vi.waitFor(() => expect([rpc.taking.now, events.taking.now]).toEqual([true, true]));
    expect(rpc.taking.changes).toBe(2);
  });

  it('pauses nothing while only a degradable dependency is down', async () => {
    const cache = dependency('redis-cache', false);
    const events = consumer();
    gateOver([cache.indicator]).watch([events.pausable], 10);
    cache.state.up = false;
    await settle();
    expect(events.taking).toEqual({ now: true, changes: 0 });
  });

  it('stops watching when the application shuts down', async () => {
    const database = dependency('postgres', true);
    const rpc = consumer();
    const gate = gateOver([database.indicator]);
    gate.watch([rpc.pausable], 10);
    gate.onModuleDestroy();
    database.state.up = false;
    await settle();
    expect(rpc.taking).toEqual({ now: true, changes: 0 });
  });
});
