import { Module, type DynamicModule } from '@nestjs/common';
import { AuthApiModule } from './auth-api/auth-api.module.js';
import { BlogApiModule } from './blog-api/blog-api.module.js';
import { BrokerModule } from './broker/broker.module.js';
import { ChatApiModule } from './chat-api/chat-api.module.js';
import type { GatewayConfig } from './gateway.config.js';
import { HttpEdgeModule } from './http/http-edge.module.js';
import { GatewayRedisModule } from './redis/gateway-redis.module.js';

/** The gateway: the edge every request passes, and one module per service behind it. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        BrokerModule.forRoot(config),
        GatewayRedisModule.forRoot(config),
        HttpEdgeModule.forRoot(config),
        AuthApiModule,
        BlogApiModule,
        ChatApiModule,
      ],
    };
  }
}
