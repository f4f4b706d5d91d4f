import { RequestMethod, type INestApplication, type SecurityHeadersOptions } from '@nestjs/common';
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
import { edgeHeaders, type CorsPolicy } from './http/edge-headers.js';
import { acceptJsonBodies } from './http/request-context.js';
import { RequestFront } from './http/request-front.js';
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

/** helmet 8's defaults: the same headers and CSP as before (the web page's scripts are files). */
const SECURITY_HEADERS: SecurityHeadersOptions = {};

function corsPolicy(config: GatewayConfig): CorsPolicy {
  return {
    origins: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
    exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After', 'X-Cache'],
  };
}

/** Nest on Fastify, with what the gateway's clients expect of Node's and Express's defaults. */
function fastifyAdapter(config: GatewayConfig, front: RequestFront): FastifyAdapter {
  return new FastifyAdapter({
    // The cache's hits are answered on Node's server, before Fastify (`configureEdge`).
    serverFactory: front.serverFactory,
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
  });
}

/**
 * Everything that applies to every request, in the order requests meet it. Anonymous cache hits
 * are answered first, on Node's server (`RequestFront`), with the security and CORS headers every
 * answer carries; every other request goes to Fastify, which runs Nest's hooks (CORS, the
 * security headers), then Nest's middleware (the access log: hits are not logged line by line, as
 * a CDN's hits are not in the app's log; the metrics count them), parses the body and hands the
 * request to Nest.
 */
async function configureEdge(
  app: NestFastifyApplication,
  config: GatewayConfig,
  front: RequestFront,
): Promise<void> {
  const cors = corsPolicy(config);
  app.enableCors({
    origin: cors.origins === true ? true : [...cors.origins],
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    exposedHeaders: [...cors.exposedHeaders],
    maxAge: 600,
  });
  // helmet's headers, resolved once at start-up and set by one of Nest's own hooks.
  app.useSecurityHeaders(SECURITY_HEADERS);
  front.use(cachedReadFastPath(app.get(ResponseCache), edgeHeaders(SECURITY_HEADERS, cors)));
  await app.register(app.get(SocketIoProxy).plugin);
  await app.register(webPage(config.WEB_ROOT));
  const fastify = app.getHttpAdapter().getInstance();
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
  const front = new RequestFront();
  return {
    name: 'gateway',
    module: GatewayModule,
    config,
    configToken: GATEWAY_CONFIG,
    eventsQueue: GATEWAY_EVENTS_QUEUE,
    // The public port must not serve them.
    metricsPort: config.METRICS_PORT,
    httpAdapter: () => fastifyAdapter(config, front),
    // Bodies are parsed by acceptJsonBodies, with its own errors.
    http: { bodyParser: false },
    configure: (app) => configureEdge(app as NestFastifyApplication, config, front),
  };
}

/** Starts the gateway; used by `apps/gateway` and by the end-to-end tests alike. */
export function startGateway(config: GatewayConfig): Promise<INestApplication> {
  return startService(gatewayService(config));
}
