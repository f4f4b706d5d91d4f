import { ServerRMQ, type CustomStrategy, type OutgoingResponse } from '@nestjs/microservices';
import { errorMessage } from '@capstone/errors';
import { rpcServerOptions } from './rmq-options.js';

interface SerializedReply {
  readonly options?: Record<string, unknown>;
}

/**
 * Nest's RabbitMQ server, but a reply that cannot be sent is logged rather than crashing the
 * process. Nest drops the promise of the channel's `sendToQueue`, which rejects when the channel
 * closes with the reply still queued (at shutdown, or when the broker goes away): an unhandled
 * rejection, which ends a Node process. The request itself was never acknowledged work: its
 * caller times out, and may retry.
 */
export class RmqServer extends ServerRMQ {
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
