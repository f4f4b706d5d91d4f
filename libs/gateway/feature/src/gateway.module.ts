import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { HealthController, healthIndicators, type HealthIndicator } from '@capstone/health';
import { BrokerClient } from '@capstone/messaging';
import {
  AccessTokenGuard,
  accessTokenVerifierProvider,
  sessionRevocationsProvider,
} from '@capstone/security';
import { SessionEventsController } from './auth/session-events.controller.js';
import { SessionsController } from './auth/sessions.controller.js';
import { ArticlesController } from './blog/articles.controller.js';
import { BlogReads } from './blog/blog-reads.js';
import { CommentsController } from './blog/comments.controller.js';
import { ProfilesController } from './blog/profiles.controller.js';
import { TagsController } from './blog/tags.controller.js';
import { ChatController } from './chat/chat.controller.js';
import { BlogCacheInvalidation } from './cache/blog-cache-invalidation.js';
import { CacheEventsController } from './cache/cache-events.controller.js';
import { ResponseCache } from './cache/response-cache.js';
import { UsersController } from './auth/users.controller.js';
import { AUTH_SERVICE, BLOG_SERVICE, BrokerModule, CHAT_SERVICE } from './broker/broker.module.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { LoginThrottle } from './throttle/login-throttle.js';
import { GatewayRedis } from './throttle/redis.provider.js';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [BrokerModule.forRoot(config)],
      controllers: [
        UsersController,
        SessionsController,
        ProfilesController,
        ArticlesController,
        CommentsController,
        TagsController,
        ChatController,
        HealthController,
        CacheEventsController,
        SessionEventsController,
      ],
      providers: [
        healthIndicators({
          inject: [AUTH_SERVICE, BLOG_SERVICE, CHAT_SERVICE, GatewayRedis],
          useFactory: (
            auth: BrokerClient,
            blog: BrokerClient,
            chat: BrokerClient,
            redis: GatewayRedis,
          ): HealthIndicator[] => [
            // Each client reconnects on its own after a broker outage: ready once all of them have.
            {
              name: 'rabbitmq',
              critical: true,
              check: async () =>
                void (await Promise.all(
                  [auth, blog, chat].map((client) => client.ensureConnected()),
                )),
            },
            // Without Redis the gateway still answers, only slower (no cache) and without login limits.
            { name: 'redis', critical: false, check: async () => void (await redis.ping()) },
          ],
        }),
        { provide: GATEWAY_CONFIG, useValue: config },
        {
          provide: GatewayRedis,
          useFactory: () => new GatewayRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX),
        },
        accessTokenVerifierProvider(AUTH_SERVICE, {
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
        }),
        { provide: APP_GUARD, useClass: AccessTokenGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        LoginThrottle,
        sessionRevocationsProvider(GatewayRedis, config.ACCESS_TOKEN_TTL_SECONDS),
        ResponseCache,
        BlogCacheInvalidation,
        BlogReads,
      ],
    };
  }
}
