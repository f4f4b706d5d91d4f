import { describe, expect, it } from 'vitest';
import { arrivalsBy, RateSchedule, type Timer } from './schedule.ts';

/** A clock that moves only when the schedule sleeps: runs take no real time. */
function fakeTimer(): Timer & { sleeps: number[] } {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Operations that stay unanswered until released, and when each one started. */
function heldOperations(timer: Timer) {
  const startedAt: number[] = [];
  const releases: (() => void)[] = [];
  return {
    startedAt,
    releaseAll: () => releases.splice(0).forEach((release) => release()),
    operation: () => {
      startedAt.push(timer.now());
      return new Promise<void>((resolve) => releases.push(resolve));
    },
  };
}

describe('the open-model schedule', () => {
  it('counts rate × seconds arrivals, the first at once', () => {
    expect(arrivalsBy(0, 10)).toBe(1);
    expect(arrivalsBy(99, 10)).toBe(1);
    expect(arrivalsBy(100, 10)).toBe(2);
    expect(arrivalsBy(300, 10)).toBe(4);
    expect(arrivalsBy(1_000, 3)).toBe(4);
  });

  it('starts operations evenly at the rate for the duration, whether or not they were answered', async () => {
    const timer = fakeTimer();
    const held = heldOperations(timer);
    const schedule = new RateSchedule({ rate: 10, durationMs: 2_000, maxInFlight: 100 }, timer);

    const run = schedule.run(held.operation);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));

    expect(schedule.started).toBe(20);
    expect(schedule.inFlight).toBe(20);
    expect(held.startedAt).toEqual(Array.from({ length: 20 }, (_, i) => 1_000 + i * 100));
    held.releaseAll();
    await run;
    expect(schedule.inFlight).toBe(0);
    expect(schedule.dropped).toBe(0);
  });

  it('keeps a fractional rate over a long run', async () => {
    const timer = fakeTimer();
    const schedule = new RateSchedule({ rate: 0.5, durationMs: 60_000, maxInFlight: 1 }, timer);
    await schedule.run(async () => undefined);
    expect(schedule.started).toBe(30);
    // It still wakes often enough to notice a stop.
    expect(Math.max(...timer.sleeps)).toBeLessThanOrEqual(250);
  });

  it('drops arrivals while maxInFlight operations are unanswered, and counts them', async () => {
    const timer = fakeTimer();
    const held = heldOperations(timer);
    const schedule = new RateSchedule({ rate: 10, durationMs: 2_000, maxInFlight: 5 }, timer);

    const run = schedule.run(held.operation);
    await new Promise((resolve) => setImmediate(resolve));
    held.releaseAll();
    await run;

    expect(schedule.started).toBe(5);
    expect(schedule.dropped).toBe(15);
  });

  it('starts nothing more once stopped, and waits for what is running', async () => {
    const timer = fakeTimer();
    const schedule = new RateSchedule({ rate: 10, durationMs: 60_000, maxInFlight: 100 }, timer);
    let ended = 0;
    await schedule.run(async () => {
      if (schedule.started === 5) schedule.stop();
      await Promise.resolve();
      ended += 1;
    });
    expect(schedule.started).toBe(5);
    expect(ended).toBe(5);
  });
});
