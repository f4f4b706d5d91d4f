import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { AUTH_QUEUE } from '@capstone/contracts';
import { JsonLogger } from '@capstone/logging';
import { rpcServerOptions } from '@capstone/messaging';
import type { AuthConfig } from './auth.config.js';
import { AuthServiceModule } from './auth-service.module.js';

/**
 * Starts the auth service: requests arrive on its RabbitMQ queue; the HTTP listener answers
 * health probes only. Used by `apps/auth` and by the end-to-end tests alike.
 */
export async function startAuthService(config: AuthConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AuthServiceModule.forRoot(config), {
    abortOnError: false,
    logger: new JsonLogger('auth', config.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  app.connectMicroservice(rpcServerOptions(config.AMQP_URL, AUTH_QUEUE));
  await app.startAllMicroservices();
  await app.listen(config.PORT, '0.0.0.0');
  return app;
}
