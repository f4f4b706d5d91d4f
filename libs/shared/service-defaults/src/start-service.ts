import { createServer, type Server } from 'node:http';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { errorMessage } from '@capstone/errors';
import { createLogger } from '@capstone/logging';
import { eventConsumer, rpcServer } from '@capstone/messaging';
import { metricsHandler } from '@capstone/telemetry';
import { Logger, registerMicroserviceLogging } from 'nestjs-pino';
import { ConsumerGate } from './consumer-gate.js';
import { GracefulShutdown } from './graceful-shutdown.js';
import { identifyRequests } from './request-logging.js';
import { ServiceDefaultsModule } from './service-defaults.module.js';
import type { ServiceConfig, ServiceDefinition } from './service-definition.js';

/** The gateway's metrics listener: `/metrics` and nothing else, on a port of its own. */
function serveMetrics(port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const handler = metricsHandler();
    if (request.url?.split('?')[0] === '/metrics' && handler) return handler(request, response);
    response.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(port, '0.0.0.0', () => resolve(server));
  });
}

/**
 * Starts a service with the defaults every service shares: its configuration provided to its
 * modules, JSON logs, the health probes and metrics, its RPC server and events consumer on the
 * broker (paused while a critical dependency is down: `ConsumerGate`), and a graceful shutdown on
 * SIGTERM or SIGINT (`GracefulShutdown`), after which the process exits with status 0. Apps and
 * end-to-end tests start services the same way; the app's `telemetry.js`, loaded first, adds
 * traces and metrics.
 *
 * The HTTP server listens before the broker servers start: the probes answer while RabbitMQ is
 * unreachable (live, not ready), so that an orchestrator waits instead of restarting the process.
 * The promise resolves once the broker servers consume too.
 */
export async function startService<TConfig extends ServiceConfig>(
  service: ServiceDefinition<TConfig>,
): Promise<INestApplication> {
  const { config } = service;
  const options = { abortOnError: false, bufferLogs: true, ...service.http };
  const module = ServiceDefaultsModule.forService(service);
  const app = service.httpAdapter
    ? await NestFactory.create(module, service.httpAdapter(), options)
    : await NestFactory.create(module, options);
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // A line per broker message too. Not through `inheritAppConfig`: the servers must not inherit
  // the app's global guards and filters, which are HTTP's.
  const deferred = { deferInitialization: true };
  const servers = [
    ...(service.rpcQueue ? [rpcServer(config.AMQP_URL, service.rpcQueue)] : []),
    ...(service.eventsQueue ? [eventConsumer(config, service.eventsQueue)] : []),
  ];
  for (const server of servers) {
    registerMicroserviceLogging(app.connectMicroservice(server, deferred));
  }
  const consumers = servers.map(({ strategy }) => strategy);
  app.get(ConsumerGate).watch(consumers);
  const shutdown = app.get(GracefulShutdown);
  shutdown.watch(app.getHttpServer(), consumers);
  identifyRequests(app.getHttpServer());
  await service.configure?.(app);
  await app.init();
  if (service.metricsPort !== undefined) {
    const metrics = await serveMetrics(service.metricsPort);
    app.getHttpServer().once('close', () => metrics.close());
  }
  await app.listen(config.PORT, '0.0.0.0');
  await app.startAllMicroservices();
  return app;
}

/** The service's providers without its HTTP listener or broker servers, for integration tests. */
export async function createServiceContext<TConfig extends ServiceConfig>(
  service: ServiceDefinition<TConfig>,
): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(
    ServiceDefaultsModule.forService(service),
    { logger: false },
  );
  await context.init();
  return context;
}

/**
 * An app's `main.ts`: starts the service, or explains in one log line why it cannot (a
 * configuration error names the variable) and exits with status 1.
 */
export async function runService(name: string, start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (error) {
    createLogger(name).error(errorMessage(error));
    process.exit(1);
  }
}
