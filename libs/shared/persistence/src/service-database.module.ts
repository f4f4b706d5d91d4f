import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HEALTH_INDICATORS, healthIndicators, type HealthIndicator } from '@capstone/health';
import { OutboxRelay, OutboxTransactions } from '@capstone/outbox';
import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * What every service that owns a PostgreSQL database needs: the data source, the transactions that
 * write events to the outbox, the relay that publishes them, and readiness for both (the service
 * can do nothing without its database, and must not take work it cannot announce).
 */
@Global()
@Module({})
export class ServiceDatabaseModule {
  static forRoot(options: DataSourceOptions, broker: { readonly amqpUrl: string }): DynamicModule {
    return {
      module: ServiceDatabaseModule,
      imports: [TypeOrmModule.forRoot(options)],
      providers: [
        {
          provide: OutboxRelay,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new OutboxRelay(dataSource, { amqpUrl: broker.amqpUrl }),
        },
        OutboxTransactions,
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
