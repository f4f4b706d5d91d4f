import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { errorMessage } from '@capstone/errors';
import { JsonLogger } from '@capstone/logging';
import { eventConsumer, rpcServerOptions } from '@capstone/messaging';
import { ServiceDefaultsModule } from './service-defaults.module.js';
import type { ServiceConfig, ServiceDefinition } from './service-definition.js';

/**
 * Starts a service with the defaults every service shares: its configuration provided to its
 * modules, JSON logs, the health probes, its RPC server and events consumer on the broker, and a
 * graceful shutdown on SIGTERM. Apps and end-to-end tests start services the same way.
 */
export async function startService<TConfig extends ServiceConfig>(
  service: ServiceDefinition<TConfig>,
): Promise<INestApplication> {
  const { config } = service;
  const app = await NestFactory.create(ServiceDefaultsModule.forService(service), {
    abortOnError: false,
    logger: new JsonLogger(service.name, config.LOG_LEVEL),
    ...service.http,
  });
  app.enableShutdownHooks();
  if (service.rpcQueue)
    app.connectMicroservice(rpcServerOptions(config.AMQP_URL, service.rpcQueue));
  if (service.eventsQueue) {
    app.connectMicroservice(eventConsumer(config.AMQP_URL, service.eventsQueue));
  }
  await service.configure?.(app);
  await app.init();
  if (service.listenWithoutBroker) {
    app.startAllMicroservices().catch((error: unknown) => {
      Logger.error(`broker consumers unavailable: ${errorMessage(error)}`, 'Bootstrap');
    });
  } else {
    await app.startAllMicroservices();
  }
  await app.listen(config.PORT, '0.0.0.0');
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
    new JsonLogger(name).error(errorMessage(error), 'Bootstrap');
    process.exit(1);
  }
}
