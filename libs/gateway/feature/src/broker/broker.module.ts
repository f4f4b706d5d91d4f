import { Module, type DynamicModule } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { AUTH_QUEUE } from '@capstone/contracts';
import { BrokerClient, rpcClientOptions } from '@capstone/messaging';
import type { GatewayConfig } from '../gateway.config.js';

/** The typed client for the auth service's queue. */
export const AUTH_SERVICE = Symbol('AUTH_SERVICE');

@Module({})
export class BrokerModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: BrokerModule,
      global: true,
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
      ],
      exports: [AUTH_SERVICE],
    };
  }
}
