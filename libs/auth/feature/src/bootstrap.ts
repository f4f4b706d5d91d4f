import type { INestApplication } from '@nestjs/common';
import { AUTH_QUEUE } from '@capstone/contracts';
import { startService, type ServiceDefinition } from '@capstone/service-defaults';
import { AUTH_CONFIG, type AuthConfig } from './auth.config.js';
import { AuthServiceModule } from './auth-service.module.js';

/** The auth service: requests on `auth.rpc`; its HTTP listener serves the health probes only. */
export function authService(config: AuthConfig): ServiceDefinition<AuthConfig> {
  return {
    name: 'auth',
    module: AuthServiceModule,
    config,
    configToken: AUTH_CONFIG,
    rpcQueue: AUTH_QUEUE,
  };
}

/** Starts the auth service; used by `apps/auth` and by the end-to-end tests alike. */
export function startAuthService(config: AuthConfig): Promise<INestApplication> {
  return startService(authService(config));
}
