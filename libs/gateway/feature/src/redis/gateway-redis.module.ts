import { Global, Module } from '@nestjs/common';
import { SESSION_REVOCATIONS, sessionRevocationsProvider } from '@capstone/security';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { CacheRedis, GatewayRedis } from './gateway-redis.js';

/**
 * The gateway's two Redis roles: security state (revoked sessions, rate limits), never evicted,
 * and the response cache, evicted at will. Apart in production; one server on a laptop.
 */
@Global()
@Module({
  providers: [
    {
      provide: GatewayRedis,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new GatewayRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX),
    },
    {
      provide: CacheRedis,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new CacheRedis(config.CACHE_REDIS_URL ?? config.REDIS_URL, config.REDIS_KEY_PREFIX),
    },
    sessionRevocationsProvider(GatewayRedis, GATEWAY_CONFIG),
  ],
  exports: [GatewayRedis, CacheRedis, SESSION_REVOCATIONS],
})
export class GatewayRedisModule {}
