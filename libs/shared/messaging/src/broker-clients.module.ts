import { Global, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { BrokerClient } from './broker-client.js';
import { rpcClient } from './rmq-client.js';

/** What a service's configuration must say for it to call other services. */
export interface BrokerClientConfig {
  readonly AMQP_URL: string;
  /** A request that takes longer is given up: 504 at the gateway. */
  readonly BROKER_TIMEOUT_MS: number;
}

/** A service this one calls: the token its client is injected with, and the queue it answers on. */
export interface CalledService {
  readonly token: InjectionToken;
  readonly name: string;
  readonly queue: string;
}

/** Typed clients for the request queues of the services this one calls, for every module. */
@Global()
@Module({})
export class BrokerClientsModule {
  static forRoot(options: {
    readonly configToken: InjectionToken;
    readonly services: readonly CalledService[];
  }): DynamicModule {
    return {
      module: BrokerClientsModule,
      providers: options.services.map(({ token, name, queue }) => ({
        provide: token,
        inject: [options.configToken],
        useFactory: (config: BrokerClientConfig) =>
          new BrokerClient(name, rpcClient(config.AMQP_URL, queue), config.BROKER_TIMEOUT_MS),
      })),
      exports: options.services.map(({ token }) => token),
    };
  }
}
