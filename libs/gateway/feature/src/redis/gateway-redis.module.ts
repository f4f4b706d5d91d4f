import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SESSION_REVOCATIONS, sessionRevocationsProvider } from '@capstone/security';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayRedis } from './gateway-redis.js';

/** The gateway's one Redis: the response cache, the login limits and the revoked sessions. */
@Global()
@Module({})
export class GatewayRedisModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayRedisModule,
      providers: [
        {
          provide: GatewayRedis,
          useFactory: () => new GatewayRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX),
        },
        sessionRevocationsProvider(GatewayRedis, config.ACCESS_TOKEN_TTL_SECONDS),
      ],
      exports: [GatewayRedis, SESSION_REVOCATIONS],
    };
  }
}
