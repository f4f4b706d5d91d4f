import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Server } from '@nestjs/microservices';
import type { PausableConsumer } from './consumer-gate.js';

/** How long the work in hand (HTTP requests, broker messages) has to finish once stopping starts. */
export const SHUTDOWN_GRACE_MS = 8_000;

/** How long stopping may take in all before the process exits anyway, with status 1. */
export const SHUTDOWN_LIMIT_MS = 10_000;

/** A broker server (`RmqServer`): it can stop taking messages, and reports each one it works on. */
export type DrainableConsumer = PausableConsumer &
  Pick<Server, 'setOnProcessingStartHook' | 'setOnProcessingEndHook'>;

/**
 * A service stops in this order, so that nothing it accepted is lost and nothing hangs: its broker
 * consumers stop taking messages (the queue keeps them for the other replicas) and finish, then
 * acknowledge, those in hand; then Nest closes the Socket.IO server (its clients reconnect
 * elsewhere) and the HTTP server, which waits for the requests in hand, each answered with
 * `Connection: close` so that keep-alive connections end; the stores close last. Work still running
 * after `SHUTDOWN_GRACE_MS` is given up (its connections closed, its messages left to RabbitMQ to
 * deliver again), and a process stopped by a signal exits after `SHUTDOWN_LIMIT_MS` at the latest.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private http: HttpServer | undefined;
  private consumers: readonly DrainableConsumer[] = [];
  private messagesInHand = 0;
  private allSettled: (() => void) | undefined;
  private stopping = false;
  private readonly responsesInHand = new Set<ServerResponse>();
  private readonly timers: NodeJS.Timeout[] = [];

  /**
   * Sees every request before the framework does (Express or Fastify alike: it listens on Node's
   * server): once the service is stopping, every response closes its connection (Node's
   * `server.close()` only closes the idle ones), so that a client reusing one does not keep the
   * HTTP server open.
   */
  private readonly closeConnectionsWhenStopping = (
    _: IncomingMessage,
    response: ServerResponse,
  ) => {
    this.responsesInHand.add(response);
    response.once('close', () => {
      this.responsesInHand.delete(response);
      // A response whose headers went out before the service was stopping kept its connection.
      if (this.stopping) setImmediate(() => this.http?.closeIdleConnections());
    });
    if (this.stopping) response.setHeader('Connection', 'close');
  };

  /** What to drain when stopping: the HTTP server and the broker servers, before they start. */
  watch(http: HttpServer, consumers: readonly DrainableConsumer[]): void {
    this.http = http;
    http.prependListener('request', this.closeConnectionsWhenStopping);
    this.consumers = consumers;
    for (const consumer of consumers) {
      consumer.setOnProcessingStartHook((_transport, _context, handle) => {
        this.messagesInHand += 1;
        return handle();
      });
      consumer.setOnProcessingEndHook(() => {
        this.messagesInHand -= 1;
        if (this.messagesInHand === 0) this.allSettled?.();
      });
    }
  }

  /** Runs after `onModuleDestroy` (the readiness gate stops there) and before Nest closes servers. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.stopping = true;
    for (const response of this.responsesInHand) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    if (signal) {
      this.logger.log(`${signal}: finishing the work in hand, then stopping`);
      this.later(SHUTDOWN_LIMIT_MS, () => {
        this.logger.error(`still stopping after ${SHUTDOWN_LIMIT_MS} ms: exiting now`);
        process.exit(1);
      });
    }
    this.later(SHUTDOWN_GRACE_MS, () => this.http?.closeAllConnections());
    await Promise.all(this.consumers.map((consumer) => consumer.pause()));
    await this.messagesSettled();
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private async messagesSettled(): Promise<void> {
    if (this.messagesInHand > 0) {
      const settled = new Promise<boolean>((resolve) => {
        this.allSettled = () => resolve(true);
        this.later(SHUTDOWN_GRACE_MS, () => resolve(false));
      });
      if (!(await settled)) {
        this.logger.warn(
          `${this.messagesInHand} message(s) unfinished after ${SHUTDOWN_GRACE_MS} ms: RabbitMQ delivers them again`,
        );
        return;
      }
    }
    // Nest replies to a request, and acknowledges it, on the tick after its handler has finished.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private later(delayMs: number, action: () => void): void {
    this.timers.push(setTimeout(action, delayMs).unref());
  }
}
