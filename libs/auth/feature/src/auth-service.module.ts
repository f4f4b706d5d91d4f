import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthController, healthIndicators, type HealthIndicator } from '@capstone/health';
import { OutboxRelay, OutboxTransactions } from '@capstone/messaging';
import { DataSource } from 'typeorm';
import { AccountsService } from './accounts/accounts.service.js';
import { PasswordHasher } from './accounts/password-hasher.js';
import { AUTH_CONFIG, type AuthConfig } from './auth.config.js';
import { authDataSourceOptions } from './persistence/auth-data-source.js';
import { AuthRpcController } from './rpc/auth-rpc.controller.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenIssuer } from './tokens/access-token.issuer.js';
import { SigningKey } from './tokens/signing-key.js';

@Module({})
export class AuthServiceModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthServiceModule,
      imports: [
        TypeOrmModule.forRoot(authDataSourceOptions(config.DATABASE_URL, config.MIGRATIONS_RUN)),
      ],
      controllers: [AuthRpcController, HealthController],
      providers: [
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
        { provide: AUTH_CONFIG, useValue: config },
        { provide: SigningKey, useFactory: () => SigningKey.load(config.JWT_PRIVATE_KEY) },
        {
          provide: OutboxRelay,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new OutboxRelay(dataSource, { amqpUrl: config.AMQP_URL }),
        },
        OutboxTransactions,
        AccessTokenIssuer,
        PasswordHasher,
        SessionsService,
        AccountsService,
      ],
    };
  }
}
