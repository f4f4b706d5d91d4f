import { RequestMethod, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  REQUEST_ID_HEADER,
  startService,
  type ServiceDefinition,
} from '@capstone/service-defaults';
import { GATEWAY_EVENTS_QUEUE } from '@capstone/contracts';
import helmet from 'helmet';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config.js';
import { cachedReadFastPath } from './cache/cached-read.fast-path.js';
import { ResponseCache } from './cache/response-cache.js';
import { SocketIoProxy } from './chat-api/socket-proxy.js';
import { GatewayModule } from './gateway.module.js';
import { jsonBodyMiddleware } from './http/request-context.js';
import { webPage } from './web/web-page.js';

/** Everything that applies to every request, in the order requests meet it. */
function configureEdge(app: NestExpressApplication, config: GatewayConfig): void {
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(helmet());
  app.enableCors({
    origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
    exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After', 'X-Cache'],
    maxAge: 600,
  });
  app.use(app.get(SocketIoProxy).attach(app.getHttpServer()));
  app.use(webPage(config.WEB_ROOT));
  app.use(cachedReadFastPath(app.get(ResponseCache)));
  app.use(jsonBodyMiddleware(config.BODY_LIMIT));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });

  const openApi = new DocumentBuilder()
    .setTitle('Capstone API')
    .setDescription(
      'The RealWorld (Conduit) API and account sessions, through the Capstone gateway.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
}

/**
 * The gateway, the one public HTTP entry. It also consumes events (the blog's, to invalidate its
 * cache; auth's revoked sessions). With RabbitMQ down it still answers, with 503s, and reports
 * itself not ready.
 */
export function gatewayService(config: GatewayConfig): ServiceDefinition<GatewayConfig> {
  return {
    name: 'gateway',
    module: GatewayModule,
    config,
    configToken: GATEWAY_CONFIG,
    eventsQueue: GATEWAY_EVENTS_QUEUE,
    // The public port must not serve them.
    metricsPort: config.METRICS_PORT,
    // Bodies are parsed by jsonBodyMiddleware, after the cache fast path and with its own errors.
    http: { bodyParser: false },
    configure: (app) => configureEdge(app as NestExpressApplication, config),
  };
}

/** Starts the gateway; used by `apps/gateway` and by the end-to-end tests alike. */
export function startGateway(config: GatewayConfig): Promise<INestApplication> {
  return startService(gatewayService(config));
}
