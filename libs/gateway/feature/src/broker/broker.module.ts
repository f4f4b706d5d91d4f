import { Module, type DynamicModule } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { AUTH_QUEUE, BLOG_QUEUE, CHAT_QUEUE } from '@capstone/contracts';
import { BrokerClient, rpcClientOptions } from '@capstone/messaging';
import type { GatewayConfig } from '../gateway.config.js';

/** Typed clients for the services' request queues. */
export const AUTH_SERVICE = Symbol('AUTH_SERVICE');
export const BLOG_SERVICE = Symbol('BLOG_SERVICE');
export const CHAT_SERVICE = Symbol('CHAT_SERVICE');

const clients = [
  { token: AUTH_SERVICE, name: 'auth', queue: AUTH_QUEUE },
  { token: BLOG_SERVICE, name: 'blog', queue: BLOG_QUEUE },
  { token: CHAT_SERVICE, name: 'chat', queue: CHAT_QUEUE },
];

@Module({})
export class BrokerModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: BrokerModule,
      global: true,
      providers: clients.map(({ token, name, queue }) => ({
        provide: token,
        useFactory: () =>
          new BrokerClient(
            name,
            ClientProxyFactory.create(rpcClientOptions(config.AMQP_URL, queue)),
            config.BROKER_TIMEOUT_MS,
          ),
      })),
      exports: clients.map(({ token }) => token),
    };
  }
}
