import type {
  DynamicModule,
  INestApplication,
  InjectionToken,
  NestApplicationOptions,
  Type,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { LogLevel } from '@capstone/logging';

/** What every service's configuration holds, whatever else it reads. */
export interface ServiceConfig {
  readonly PORT: number;
  readonly LOG_LEVEL: LogLevel;
  readonly AMQP_URL: string;
}

/**
 * A service as `startService` runs it: what it is and what it serves, and nothing about how the
 * defaults (configuration, logs, health, broker servers, shutdown) are wired around it.
 */
export interface ServiceDefinition<TConfig extends ServiceConfig = ServiceConfig> {
  /** Its name, as its logs (and traces and metrics) carry it. */
  readonly name: string;
  /** The root module of what the service does. */
  readonly module: Type | DynamicModule;
  /** The validated configuration, provided to every module under `configToken`. */
  readonly config: TConfig;
  readonly configToken: InjectionToken;
  /** The queue its `@Rpc` handlers answer requests on. */
  readonly rpcQueue?: string;
  /** The queue its `@OnEvent` handlers receive other services' events on. */
  readonly eventsQueue?: string;
  /**
   * A port of its own for Prometheus's `/metrics`, for a service whose HTTP port is public (the
   * gateway). Without one, `/metrics` is served on the service's HTTP port.
   */
  readonly metricsPort?: number;
  /** Nest's HTTP adapter for the service (the gateway's Fastify); Nest's Express one without. */
  readonly httpAdapter?: () => AbstractHttpAdapter;
  /** Options for the HTTP application, such as the gateway's own body parser. */
  readonly http?: NestApplicationOptions;
  /** What the service adds to the HTTP server before it listens (plugins, hooks, an adapter). */
  readonly configure?: (app: INestApplication) => void | Promise<void>;
}
