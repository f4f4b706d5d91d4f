import { ClientRMQ, type ClientProxy } from '@nestjs/microservices';
import { logChannelErrors } from './channel-errors.js';
import { rpcClientOptions } from './rmq-options.js';

/** Nest's RabbitMQ client, whose channel's setup errors are logged instead of ending the process. */
class RmqClient extends ClientRMQ {
  override createChannel(): Promise<void> {
    const created = super.createChannel();
    // Nest assigns the channel synchronously, before its setup can fail.
    if (this.channel) logChannelErrors(this.channel, this.logger);
    return created;
  }
}

/** A client of a service's RPC queue. */
export function rpcClient(amqpUrl: string, queue: string): ClientProxy {
  // ClientRMQ narrows ClientProxy's status type, which makes it no ClientProxy to the compiler;
  // ClientProxyFactory hands it out as one the same way.
  return new RmqClient(rpcClientOptions(amqpUrl, queue).options ?? {}) as unknown as ClientProxy;
}
