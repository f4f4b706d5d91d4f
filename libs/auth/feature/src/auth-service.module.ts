import { Module } from '@nestjs/common';
import { ServiceDatabaseModule } from '@capstone/persistence';
import { AccountsService } from './accounts/accounts.service.js';
import { PasswordHasher } from './accounts/password-hasher.js';
import { Reauthentication } from './accounts/reauthentication.js';
import { AUTH_CONFIG } from './auth.config.js';
import { authDataSourceOptions } from './persistence/auth-data-source.js';
import { AuthRpcController } from './rpc/auth-rpc.controller.js';
import { SessionPurge } from './sessions/session-purge.js';
import { SessionRefresh } from './sessions/session-refresh.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenIssuer } from './tokens/access-token.issuer.js';
import { configuredSigningKey, SigningKey } from './tokens/signing-key.js';

/** Accounts, sessions and tokens, answering `auth.rpc`. */
@Module({
  imports: [
    ServiceDatabaseModule.forRoot({ configToken: AUTH_CONFIG, dataSource: authDataSourceOptions }),
  ],
  controllers: [AuthRpcController],
  providers: [
    {
      provide: SigningKey,
      inject: [AUTH_CONFIG],
      useFactory: configuredSigningKey,
    },
    AccessTokenIssuer,
    PasswordHasher,
    SessionsService,
    SessionRefresh,
    SessionPurge,
    Reauthentication,
    AccountsService,
  ],
})
export class AuthServiceModule {}
