import { ClientProxyFactory } from '@nestjs/microservices';
import { BrokerClient, rpcClientOptions } from '@capstone/messaging';

/** A client of a service's RPC queue as the gateway has one: typed by the contracts. */
export function serviceClient(name: string, amqpUrl: string, queue: string): BrokerClient {
  return new BrokerClient(name, ClientProxyFactory.create(rpcClientOptions(amqpUrl, queue)), 5_000);
}
