import { Logger, RequestMethod, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { JsonLogger } from '@capstone/logging';
import { eventConsumer } from '@capstone/messaging';
import helmet from 'helmet';
import type { GatewayConfig } from './gateway.config.js';
import { cachedReadFastPath } from './cache/cached-read.fast-path.js';
import { ResponseCache } from './cache/response-cache.js';
import { socketIoProxy } from './chat-api/socket-proxy.js';
import { GatewayModule } from './gateway.module.js';
import {
  accessLogMiddleware,
  jsonBodyMiddleware,
  REQUEST_ID_HEADER,
  requestIdMiddleware,
} from './http/request-context.js';
import { webPage } from './web/web-page.js';

/** Builds the gateway with everything that applies to every request, without listening yet. */
export async function createGateway(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bodyParser: false,
    abortOnError: false,
    logger: new JsonLogger('gateway', config.LOG_LEVEL),
  });
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware());
  app.use(accessLogMiddleware());
  app.use(helmet());
  app.enableCors({
    origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
    exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After', 'X-Cache'],
    maxAge: 600,
  });
  app.use(socketIoProxy(config.CHAT_URL, app.getHttpServer()));
  app.use(webPage(config.WEB_ROOT));
  app.use(cachedReadFastPath(app.get(ResponseCache)));
  app.use(jsonBodyMiddleware(config.BODY_LIMIT));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Capstone API')
    .setDescription(
      'The RealWorld (Conduit) API and account sessions, through the Capstone gateway.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  return app;
}

/** The queue the gateway receives other services' events on. */
export const GATEWAY_EVENTS_QUEUE = 'gateway.events';

export async function startGateway(config: GatewayConfig): Promise<INestApplication> {
  const app = await createGateway(config);
  // The gateway also listens to events: the blog's to invalidate its cache, auth's revoked sessions.
  // It does not wait for that consumer: with RabbitMQ down it must still answer, with 503s, and
  // report itself not ready.
  app.connectMicroservice(eventConsumer(config.AMQP_URL, GATEWAY_EVENTS_QUEUE));
  await app.listen(config.PORT, '0.0.0.0');
  app.startAllMicroservices().catch((error: unknown) => {
    Logger.error(`cache invalidation events unavailable: ${String(error)}`, 'Bootstrap');
  });
  return app;
}
