import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from '@capstone/health';
import { ServiceDatabaseModule } from '@capstone/persistence';
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
        ServiceDatabaseModule.forRoot(
          authDataSourceOptions(config.DATABASE_URL, config.MIGRATIONS_RUN),
          { amqpUrl: config.AMQP_URL },
        ),
      ],
      controllers: [AuthRpcController, HealthController],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: SigningKey, useFactory: () => SigningKey.load(config.JWT_PRIVATE_KEY) },
        AccessTokenIssuer,
        PasswordHasher,
        SessionsService,
        AccountsService,
      ],
    };
  }
}
