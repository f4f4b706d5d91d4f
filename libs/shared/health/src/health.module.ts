import {
  Module,
  type DynamicModule,
  type FactoryProvider,
  type InjectionToken,
} from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HEALTH_INDICATORS, type HealthIndicator } from './health-indicator.js';

export interface HealthModuleOptions {
  /** Builds the app's indicators from providers it already has (a DataSource, a Redis client...). */
  readonly indicators: FactoryProvider<HealthIndicator[]>['useFactory'];
  readonly inject?: InjectionToken[];
}

@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions): DynamicModule {
    const indicators: FactoryProvider<HealthIndicator[]> = {
      provide: HEALTH_INDICATORS,
      useFactory: options.indicators,
      inject: options.inject ?? [],
    };
    return { module: HealthModule, controllers: [HealthController], providers: [indicators] };
  }
}
