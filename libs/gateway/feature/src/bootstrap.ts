import { RequestMethod, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { JsonLogger } from '@capstone/logging';
import helmet from 'helmet';
import type { GatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import {
  accessLogMiddleware,
  jsonBodyMiddleware,
  REQUEST_ID_HEADER,
  requestIdMiddleware,
} from './http/request-context.js';
import { edgeValidationPipe } from './http/validation.js';

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
  app.use(jsonBodyMiddleware(config.BODY_LIMIT));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(edgeValidationPipe());
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

export async function startGateway(config: GatewayConfig): Promise<INestApplication> {
  const app = await createGateway(config);
  await app.listen(config.PORT, '0.0.0.0');
  return app;
}
