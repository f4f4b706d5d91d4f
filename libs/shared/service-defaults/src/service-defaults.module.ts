import {
  Global,
  Injectable,
  Module,
  RequestMethod,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HealthController } from '@capstone/health';
import { createLogger } from '@capstone/logging';
import { stopTelemetry } from '@capstone/telemetry';
import { LoggerModule } from 'nestjs-pino';
import { ConsumerGate } from './consumer-gate.js';
import { GracefulShutdown } from './graceful-shutdown.js';
import { MetricsController } from './metrics.controller.js';
import { messageLogging, requestLogging } from './request-logging.js';
import { RouteTelemetryInterceptor } from './route-telemetry.interceptor.js';
import type { ServiceDefinition } from './service-definition.js';

/** Sends the telemetry still buffered once the application has closed. */
@Injectable()
class TelemetryShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTelemetry();
  }
}

/**
 * What `startService` puts around a service's own module: its configuration for every module to
 * inject, the logs (pino: an access line per request and per broker message, Nest's own lines),
 * the health probes (the service's modules provide what they check), the gate that pauses the
 * broker consumers while the service is not ready, the graceful shutdown, and the metrics.
 */
@Global()
@Module({})
export class ServiceDefaultsModule {
  static forService(service: ServiceDefinition): DynamicModule {
    const logger = createLogger(service.name, service.config.LOG_LEVEL);
    return {
      module: ServiceDefaultsModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: requestLogging(logger),
          // Every route, under the global prefix or excluded from it: nestjs-pino's own default
          // (`{/*splat}`) matches none on Fastify.
          forRoutes: [{ path: '/{*splat}', method: RequestMethod.ALL }],
          microservice: messageLogging,
        }),
        service.module,
      ],
      controllers:
        service.metricsPort === undefined
          ? [HealthController, MetricsController]
          : [HealthController],
      providers: [
        { provide: service.configToken, useValue: service.config },
        { provide: APP_INTERCEPTOR, useClass: RouteTelemetryInterceptor },
        TelemetryShutdown,
        ConsumerGate,
        GracefulShutdown,
      ],
      exports: [service.configToken],
    };
  }
}
