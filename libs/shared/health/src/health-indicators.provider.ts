import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { HEALTH_INDICATORS, type HealthIndicator } from './health-indicator.js';

export interface HealthIndicatorsOptions {
  /** Builds the app's indicators from providers it already has (a DataSource, a Redis client...). */
  readonly useFactory: FactoryProvider<HealthIndicator[]>['useFactory'];
  readonly inject?: InjectionToken[];
}

/**
 * The provider `HealthController` reads. It belongs in the app's own module, next to the
 * DataSource or client it checks, so it can inject them.
 */
export function healthIndicators(
  options: HealthIndicatorsOptions,
): FactoryProvider<HealthIndicator[]> {
  return {
    provide: HEALTH_INDICATORS,
    useFactory: options.useFactory,
    inject: options.inject ?? [],
  };
}
