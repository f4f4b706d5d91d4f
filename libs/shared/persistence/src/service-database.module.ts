import { Global, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HEALTH_INDICATORS, healthIndicators, type HealthIndicator } from '@capstone/health';
import { OutboxMetrics, OutboxRelay, OutboxTransactions } from '@capstone/outbox';
import { DataSource, type DataSourceOptions } from 'typeorm';

/** What the module reads from the service's configuration. */
interface DatabaseConfig {
  readonly DATABASE_URL: string;
  readonly MIGRATIONS_RUN: boolean;
  readonly AMQP_URL: string;
}

export interface ServiceDatabaseOptions {
  /** The token the service's configuration is provided under. */
  readonly configToken: InjectionToken;
  /** The service's TypeORM options (its own entities and migrations) for its database. */
  readonly dataSource: (databaseUrl: string, migrationsRun: boolean) => DataSourceOptions;
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
  static forRoot(options: ServiceDatabaseOptions): DynamicModule {
    return {
      module: ServiceDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [options.configToken],
          useFactory: (config: DatabaseConfig) =>
            options.dataSource(config.DATABASE_URL, config.MIGRATIONS_RUN),
        }),
      ],
      providers: [
        {
          provide: OutboxRelay,
          inject: [DataSource, options.configToken],
          useFactory: (dataSource: DataSource, config: DatabaseConfig) =>
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
