import { Global, Module } from '@nestjs/common';
import { AUTH_QUEUE } from '@capstone/contracts';
import { BrokerClientsModule } from '@capstone/messaging';
import { AccessTokenVerifier, accessTokenVerifierProvider } from '@capstone/security';
import { CHAT_CONFIG } from '../chat.config.js';

/** The broker client for the auth service's requests queue. */
export const AUTH_SERVICE = Symbol('AUTH_SERVICE');

/**
 * Verifies access tokens the way the gateway does: locally, with the auth service's public keys,
 * which are asked for over the broker (`auth.jwks`) once and again only for an unknown key id.
 */
@Global()
@Module({
  imports: [
    BrokerClientsModule.forRoot({
      configToken: CHAT_CONFIG,
      services: [{ token: AUTH_SERVICE, name: 'auth', queue: AUTH_QUEUE }],
    }),
  ],
  providers: [accessTokenVerifierProvider(AUTH_SERVICE, CHAT_CONFIG)],
  exports: [AccessTokenVerifier],
})
export class TokenVerificationModule {}
