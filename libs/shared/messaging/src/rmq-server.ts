import { ServerRMQ, type CustomStrategy, type OutgoingResponse } from '@nestjs/microservices';
import type { Channel } from 'amqplib';
import { errorMessage } from '@capstone/errors';
import { rpcServerOptions } from './rmq-options.js';

interface SerializedReply {
  readonly options?: Record<string, unknown>;
}

/**
 * Nest's RabbitMQ server, with the two channel promises Nest drops handled. A dropped promise
 * that rejects when the channel closes (at shutdown, or when the broker goes away) is an
 * unhandled rejection, which ends a Node process.
 */
export class RmqServer extends ServerRMQ {
  /**
   * Nest sends `basic.consume` and reports the server listening without waiting for the
   * broker's consume-ok. Here the server is listening once the broker has confirmed it; a channel
   * that closes first is logged, and amqp-connection-manager runs this setup again on the next
   * channel.
   */
  override async setupChannel(channel: Channel, listening: () => void): Promise<void> {
    let consumeOk: Promise<unknown> = Promise.resolve();
    const consume = channel.consume.bind(channel);
    // An own property for the length of Nest's setup only; deleting it uncovers amqplib's method.
    Object.assign(channel, {
      consume: (...args: Parameters<Channel['consume']>) => (consumeOk = consume(...args)),
    });
    try {
      await super.setupChannel(channel, () => undefined);
    } finally {
      delete (channel as Partial<Channel>).consume;
    }
    try {
      await consumeOk;
    } catch (error) {
      this.logger.warn(`not consuming ${this.queue} yet: ${errorMessage(error)}`);
      return;
    }
    listening();
  }

  /**
   * A reply that cannot be sent is logged. The request itself was never acknowledged work: its
   * caller times out, and may retry.
   */
  override sendMessage<T>(message: T, replyTo: string, correlationId: string): void {
    // Nest's own handlers only ever pass it the response packet of a request.
    const packet = message as OutgoingResponse;
    const { options, ...reply } = this.serializer.serialize(packet) as SerializedReply;
    const lost = (error: unknown) =>
      this.logger.warn(
        `reply ${correlationId} not sent (${errorMessage(error)}); the caller times out`,
      );
    if (!this.channel) return lost(new Error('no channel'));
    this.channel
      .sendToQueue(replyTo, Buffer.from(JSON.stringify(reply)), { correlationId, ...options })
      .catch(lost);
  }
}

/** The server for a service's RPC queue (`@Rpc` handlers): it answers each request on its reply queue. */
export function rpcServer(amqpUrl: string, queue: string): CustomStrategy {
  return { strategy: new RmqServer(rpcServerOptions(amqpUrl, queue).options ?? {}) };
}
