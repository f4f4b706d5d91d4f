import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { assessReadiness, HEALTH_INDICATORS, type HealthIndicator } from '@capstone/health';
import { errorMessage } from '@capstone/errors';

/** A broker consumer that can stop and start taking messages (`RmqServer`); neither throws. */
export interface PausableConsumer {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/** How often the gate checks readiness: about as long as a failing service takes work it cannot do. */
export const CONSUMER_GATE_INTERVAL_MS = 2_000;

/**
 * Readiness gates the broker consumers: while a critical dependency is down (readiness
 * `unavailable`, as `/health/ready` reports it), the service's RPC and event consumers are
 * paused, so that requests and events go to a replica that can serve them instead of failing
 * here; they resume once it is back. A degradable dependency (`degraded`) pauses nothing. The
 * checks are the health indicators, run every `CONSUMER_GATE_INTERVAL_MS`, one run at a time.
 */
@Injectable()
export class ConsumerGate implements OnModuleDestroy {
  private readonly logger = new Logger(ConsumerGate.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private open = true;

  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[]) {}

  watch(consumers: readonly PausableConsumer[], intervalMs = CONSUMER_GATE_INTERVAL_MS): void {
    if (consumers.length === 0) return;
    const next = () => {
      if (!this.stopped) this.timer = setTimeout(tick, intervalMs).unref();
    };
    const tick = () => {
      this.check(consumers)
        .catch((error: unknown) => this.logger.error(`readiness gate: ${errorMessage(error)}`))
        .finally(next);
    };
    next();
  }

  private async check(consumers: readonly PausableConsumer[]): Promise<void> {
    const report = await assessReadiness(this.indicators);
    const open = report.status !== 'unavailable';
    if (open === this.open || this.stopped) return;
    this.open = open;
    if (open) {
      this.logger.log('critical dependencies back: taking messages again');
    } else {
      const down = Object.entries(report.checks).filter(([, check]) => check.state === 'down');
      this.logger.warn({
        msg: 'a critical dependency is down: taking no messages until it is back',
        down: Object.fromEntries(down.map(([name, check]) => [name, check.error])),
      });
    }
    await Promise.all(consumers.map((consumer) => (open ? consumer.resume() : consumer.pause())));
  }

  /** The first hook of a shutdown: from here on the consumers are the shutdown's to stop. */
  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
