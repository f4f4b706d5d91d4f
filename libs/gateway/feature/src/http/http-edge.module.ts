import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { HEALTH_INDICATORS, healthIndicators, type HealthIndicator } from '@capstone/health';
import { BrokerClient } from '@capstone/messaging';
import { AccessTokenGuard, accessTokenVerifierProvider } from '@capstone/security';
import { AUTH_SERVICE, BLOG_SERVICE, CHAT_SERVICE } from '../broker/broker.module.js';
import { GATEWAY_CONFIG } from '../gateway.config.js';
import { CacheRedis, GatewayRedis } from '../redis/gateway-redis.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { RateLimitGuard } from './rate-limits.js';

/**
 * What applies to every request: the access-token check (a route is private unless marked
 * `@Public`), the one filter that turns every error into the RealWorld body, and what readiness
 * checks.
 */
@Global()
@Module({
  providers: [
    accessTokenVerifierProvider(AUTH_SERVICE, GATEWAY_CONFIG),
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    // After the access-token guard, which names the account a request is counted against.
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    healthIndicators({
      inject: [AUTH_SERVICE, BLOG_SERVICE, CHAT_SERVICE, GatewayRedis, CacheRedis],
      useFactory: (
        auth: BrokerClient,
        blog: BrokerClient,
        chat: BrokerClient,
        redis: GatewayRedis,
        cache: CacheRedis,
      ): HealthIndicator[] => [
        // Each client reconnects on its own after a broker outage: ready once all of them have.
        {
          name: 'rabbitmq',
          critical: true,
          check: async () =>
            void (await Promise.all([auth, blog, chat].map((client) => client.ensureConnected()))),
        },
        // Without Redis the gateway still answers: its limits count per process, revocations
        // wait in the broker, and without the cache it is only slower.
        { name: 'redis', critical: false, check: async () => void (await redis.ping()) },
        { name: 'redis-cache', critical: false, check: async () => void (await cache.ping()) },
      ],
    }),
  ],
  exports: [HEALTH_INDICATORS],
})
export class HttpEdgeModule {}
