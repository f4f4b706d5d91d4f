import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { AUTH_QUEUE } from '@capstone/contracts';
import { BrokerClient, rpcClientOptions } from '@capstone/messaging';
import { AccessTokenVerifier, accessTokenVerifierProvider } from '@capstone/security';
import type { ChatConfig } from '../chat.config.js';

/** The broker client for the auth service's requests queue. */
export const AUTH_SERVICE = Symbol('AUTH_SERVICE');

/**
 * Verifies access tokens the way the gateway does: locally, with the auth service's public keys,
 * which are asked for over the broker (`auth.jwks`) once and again only for an unknown key id.
 */
@Global()
@Module({})
export class TokenVerificationModule {
  static forRoot(config: ChatConfig): DynamicModule {
    return {
      module: TokenVerificationModule,
      providers: [
        {
          provide: AUTH_SERVICE,
          useFactory: () =>
            new BrokerClient(
              'auth',
              ClientProxyFactory.create(rpcClientOptions(config.AMQP_URL, AUTH_QUEUE)),
              config.BROKER_TIMEOUT_MS,
            ),
        },
        accessTokenVerifierProvider(AUTH_SERVICE, {
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
        }),
      ],
      exports: [AUTH_SERVICE, AccessTokenVerifier],
    };
  }
}
