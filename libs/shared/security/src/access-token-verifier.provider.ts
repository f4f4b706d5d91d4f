import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { AuthRpc } from '@capstone/contracts';
import type { BrokerClient } from '@capstone/messaging';
import { AccessTokenVerifier } from './access-token-verifier.js';

/** What a service's configuration must say for it to accept the auth service's tokens. */
export interface AccessTokenConfig {
  readonly JWT_ISSUER: string;
  readonly JWT_AUDIENCE: string;
  /** Bounds how long keys keep verifying while auth cannot be asked for them (see `JwksCache`). */
  readonly ACCESS_TOKEN_TTL_SECONDS: number;
}

/**
 * An `AccessTokenVerifier` that fetches the auth service's public keys over the broker, through
 * the `BrokerClient` registered under `authService`: how every service verifies tokens. The keys
 * are cached for `JWKS_CACHE_DEFAULTS.keysMaxAgeMs`, so a key withdrawn from the set stops
 * verifying within that time.
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
        staleKeysAfterFailureMs: config.ACCESS_TOKEN_TTL_SECONDS * 1_000,
      }),
  };
}
