import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from '@capstone/health';
import type { ServiceDefinition } from './service-definition.js';

/**
 * What `startService` puts around a service's own module: its configuration for every module to
 * inject, and the health probes (the service's modules provide the indicators they check).
 */
@Global()
@Module({})
export class ServiceDefaultsModule {
  static forService(service: ServiceDefinition): DynamicModule {
    return {
      module: ServiceDefaultsModule,
      imports: [service.module],
      controllers: [HealthController],
      providers: [{ provide: service.configToken, useValue: service.config }],
      exports: [service.configToken],
    };
  }
}
