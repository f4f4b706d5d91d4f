import { Module } from '@nestjs/common';
import { AuthApiModule } from './auth-api/auth-api.module.js';
import { BlogApiModule } from './blog-api/blog-api.module.js';
import { BrokerModule } from './broker/broker.module.js';
import { ChatApiModule } from './chat-api/chat-api.module.js';
import { HttpEdgeModule } from './http/http-edge.module.js';
import { GatewayRedisModule } from './redis/gateway-redis.module.js';

/** The gateway: the edge every request passes, and one module per service behind it. */
@Module({
  imports: [
    BrokerModule,
    GatewayRedisModule,
    HttpEdgeModule,
    AuthApiModule,
    BlogApiModule,
    ChatApiModule,
  ],
})
export class GatewayModule {}
