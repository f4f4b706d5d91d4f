import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { AuthRpc } from '@capstone/contracts';
import type { BrokerClient } from '@capstone/messaging';
import { AccessTokenVerifier } from './access-token-verifier.js';

/** What a service's configuration must say for it to accept the auth service's tokens. */
export interface AccessTokenConfig {
  readonly JWT_ISSUER: string;
  readonly JWT_AUDIENCE: string;
}

/**
 * An `AccessTokenVerifier` that fetches the auth service's public keys over the broker, through
 * the `BrokerClient` registered under `authService`: how every service verifies tokens.
 */
export function accessTokenVerifierProvider(
  authService: InjectionToken,
  configToken: InjectionToken,
): FactoryProvider<AccessTokenVerifier> {
  return {
    provide: AccessTokenVerifier,
    inject: [authService, configToken],
    useFactory: (auth: BrokerClient, config: AccessTokenConfig) =>
      new AccessTokenVerifier(() => auth.send(AuthRpc.jwks, {}), {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      }),
  };
}
