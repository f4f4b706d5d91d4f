import fastifyHelmet from '@fastify/helmet';
import middie from '@fastify/middie';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  REQUEST_ID_HEADER,
  startService,
  type ServiceDefinition,
} from '@capstone/service-defaults';
import { BlogRules, GATEWAY_EVENTS_QUEUE } from '@capstone/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config.js';
import { cachedReadFastPath } from './cache/cached-read.fast-path.js';
import { ResponseCache } from './cache/response-cache.js';
import { SocketIoProxy } from './chat-api/socket-proxy.js';
import { GatewayModule } from './gateway.module.js';
import { acceptJsonBodies } from './http/request-context.js';
import { webPage } from './web/web-page.js';

/**
 * `TRUST_PROXY` as Express read it: the proxies' addresses, or a hop count, trusting that many
 * addresses from the right of X-Forwarded-For. Fastify 5.12 takes a bare number as trusting no
 * one (a client reaching the gateway directly could write the hops itself), which is what a
 * deployment that names a hop count has ruled out: its gateway is only reachable through them.
 */
function trustedProxies(setting: GatewayConfig['TRUST_PROXY']) {
  return typeof setting === 'number' ? (_: string, hop: number) => hop < setting : setting;
}

/** Nest on Fastify, with what the gateway's clients expect of Node's and Express's defaults. */
function fastifyAdapter(config: GatewayConfig): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: trustedProxies(config.TRUST_PROXY),
    routerOptions: {
      ignoreTrailingSlash: true,
      // Past it the router answers 414 before any check: the longest slug, percent-encoded, fits.
      maxParamLength: BlogRules.slugMaxLength * 12,
    },
    // Node's own limit on receiving a request, which Fastify turns off by default.
    requestTimeout: 300_000,
    // Requests arriving while the gateway stops are answered (`GracefulShutdown`), not refused.
    return503OnClosing: false,
    // Registered by `configureEdge`, after the cache fast path (see there).
    skipMiddie: true,
  });
}

/**
 * Everything that applies to every request, in the order requests meet it: Fastify runs the
 * `onRequest` hooks in the order they are added (Nest's own first, CORS's among them), then
 * parses the body, then hands the request to Nest. Nest's middleware (the access log) runs in
 * middie's hook, registered after the cache fast path: a hit is not logged line by line, as a
 * CDN's hits are not in the app's log (the metrics count it), and is answered sooner.
 */
async function configureEdge(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  app.enableCors({
    origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After', 'X-Cache'],
    maxAge: 600,
  });
  await app.register(fastifyHelmet);
  await app.register(app.get(SocketIoProxy).plugin);
  await app.register(webPage(config.WEB_ROOT));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', cachedReadFastPath(app.get(ResponseCache)));
  await app.register(middie);
  acceptJsonBodies(fastify, config.BODY_LIMIT);
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
    httpAdapter: () => fastifyAdapter(config),
    // Bodies are parsed by acceptJsonBodies, after the cache fast path and with its own errors.
    http: { bodyParser: false },
    configure: (app) => configureEdge(app as NestFastifyApplication, config),
  };
}

/** Starts the gateway; used by `apps/gateway` and by the end-to-end tests alike. */
export function startGateway(config: GatewayConfig): Promise<INestApplication> {
  return startService(gatewayService(config));
}
