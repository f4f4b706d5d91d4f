import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { AuthRpc } from '@capstone/contracts';
import type { BrokerClient } from '@capstone/messaging';
import { AccessTokenVerifier, type AccessTokenPolicy } from './access-token-verifier.js';

/**
 * An `AccessTokenVerifier` that fetches the auth service's public keys over the broker, through
 * the `BrokerClient` registered under `authService`: how every service verifies tokens.
 */
export function accessTokenVerifierProvider(
  authService: InjectionToken,
  policy: AccessTokenPolicy,
): FactoryProvider<AccessTokenVerifier> {
  return {
    provide: AccessTokenVerifier,
    inject: [authService],
    useFactory: (auth: BrokerClient) =>
      new AccessTokenVerifier(() => auth.send(AuthRpc.jwks, {}), policy),
  };
}
