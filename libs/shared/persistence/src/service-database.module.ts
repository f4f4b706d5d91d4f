import { Global, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HEALTH_INDICATORS, healthIndicators, type HealthIndicator } from '@capstone/health';
import { OutboxMetrics, OutboxRelay, OutboxTransactions } from '@capstone/outbox';
import { DataSource, type DataSourceOptions } from 'typeorm';

export interface ServiceDatabaseOptions<TConfig extends { readonly AMQP_URL: string }> {
  /** The token the service's configuration is provided under. */
  readonly configToken: InjectionToken;
  /** The service's TypeORM options (its own database, entities and migrations) from its configuration. */
  readonly dataSource: (config: TConfig) => DataSourceOptions;
}

/**
 * What every service that owns a PostgreSQL database needs: the data source, the transactions that
 * write events to the outbox, the relay that publishes them, the outbox's backlog metrics, and
 * readiness for both (the service can do nothing without its database, and must not take work it
 * cannot announce).
 */
@Global()
@Module({})
export class ServiceDatabaseModule {
  static forRoot<TConfig extends { readonly AMQP_URL: string }>(
    options: ServiceDatabaseOptions<TConfig>,
  ): DynamicModule {
    return {
      module: ServiceDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [options.configToken],
          useFactory: options.dataSource,
        }),
      ],
      providers: [
        {
          provide: OutboxRelay,
          inject: [DataSource, options.configToken],
          useFactory: (dataSource: DataSource, config: TConfig) =>
            new OutboxRelay(dataSource, { amqpUrl: config.AMQP_URL }),
        },
        OutboxTransactions,
        OutboxMetrics,
        healthIndicators({
          inject: [DataSource, OutboxRelay],
          useFactory: (dataSource: DataSource, relay: OutboxRelay): HealthIndicator[] => [
            {
              name: 'postgres',
              critical: true,
              check: async () => void (await dataSource.query('SELECT 1')),
            },
            {
              name: 'rabbitmq',
              critical: true,
              check: async () => {
                if (!relay.connected) throw new Error('no open connection to RabbitMQ');
              },
            },
          ],
        }),
      ],
      exports: [OutboxRelay, OutboxTransactions, HEALTH_INDICATORS],
    };
  }
}
