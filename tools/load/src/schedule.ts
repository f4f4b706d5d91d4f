import { setTimeout as sleep } from 'node:timers/promises';

export interface Schedule {
  /** Operations started per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Past this many unanswered operations, an arrival is dropped instead of started. */
  readonly maxInFlight: number;
}

/** The clock and the timer, replaceable in tests. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const MAX_SLEEP_MS = 250;

const realTimer: Timer = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

/**
 * How many operations a steady `rate` per second has started `elapsedMs` into the run, the first
 * at once: `rate × seconds` in all. The epsilon keeps 0.3 × 10 from flooring to 2.
 */
export function arrivalsBy(elapsedMs: number, rate: number): number {
  return Math.floor((elapsedMs * rate) / 1000 + 1e-9) + 1;
}

/**
 * Starts operations at a steady rate whatever the answers take: an open model, as real visitors
 * arrive whether or not the site is slow. A closed loop (the next request once the last one is
 * answered) would slow down with the stack and hide exactly the latency a learner wants to see
 * grow. After a stall of this process it catches up at once, for the same reason.
 */
export class RateSchedule {
  /** Operations started. */
  started = 0;
  /** Arrivals dropped because `maxInFlight` operations were still unanswered. */
  dropped = 0;
  private readonly schedule: Schedule;
  private readonly timer: Timer;
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(schedule: Schedule, timer: Timer = realTimer) {
    this.schedule = schedule;
    this.timer = timer;
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Starts no more operations (Ctrl-C); `run` then waits for those still running. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Starts `operation` `rate` times a second for the duration. Operations must not reject.
   * Resolves once the duration is over and every operation started has ended.
   */
  async run(operation: () => Promise<void>): Promise<void> {
    const { rate, durationMs, maxInFlight } = this.schedule;
    const startedAt = this.timer.now();
    const endsAt = startedAt + durationMs;
    let arrivals = 0;
    for (let now = startedAt; now < endsAt && !this.stopped; now = this.timer.now()) {
      for (const due = arrivalsBy(now - startedAt, rate); arrivals < due; arrivals += 1) {
        if (this.running.size >= maxInFlight) {
          this.dropped += 1;
          continue;
        }
        this.started += 1;
        const running: Promise<void> = operation().finally(() => this.running.delete(running));
        this.running.add(running);
      }
      // Wakes at the next arrival, or sooner to notice a stop when arrivals are far apart.
      const nextArrivalAt = startedAt + (arrivals * 1000) / rate;
      const wakeAt = Math.min(nextArrivalAt, endsAt, now + MAX_SLEEP_MS);
      await this.timer.sleep(Math.max(0, wakeAt - this.timer.now()));
    }
    await Promise.all(this.running);
  }
}
