import { Global, Module } from '@nestjs/common';
import { SESSION_REVOCATIONS, sessionRevocationsProvider } from '@capstone/security';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { GatewayRedis } from './gateway-redis.js';

/** The gateway's one Redis: the response cache, the login limits and the revoked sessions. */
@Global()
@Module({
  providers: [
    {
      provide: GatewayRedis,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new GatewayRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX),
    },
    sessionRevocationsProvider(GatewayRedis, GATEWAY_CONFIG),
  ],
  exports: [GatewayRedis, SESSION_REVOCATIONS],
})
export class GatewayRedisModule {}
