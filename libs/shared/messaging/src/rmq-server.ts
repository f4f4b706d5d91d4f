import {
  RmqContext,
  ServerRMQ,
  type CustomStrategy,
  type OutgoingResponse,
  type WritePacket,
} from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { RpcFailure } from '@capstone/contracts';
import { errorMessage } from '@capstone/errors';
import { queueIsDeclared } from './broker-topology.js';
import { logChannelErrors } from './channel-errors.js';
import { recordExpiredRequest } from './messaging-metrics.js';
import { QueueConsumer, type ConsumeArguments } from './queue-consumer.js';
import { expiredRequest, type ExpiredRequest } from './request-deadline.js';
import { rpcServerOptions } from './rmq-options.js';
import { route, type RoutablePacket, type Unroutable } from './unroutable-message.js';

interface SerializedReply {
  readonly options?: Record<string, unknown>;
}

/**
 * Nest's RabbitMQ server, with the two channel promises Nest drops handled (a dropped promise
 * that rejects when the channel closes, at shutdown or when the broker goes away, is an
 * unhandled rejection, which ends a Node process), and messages no handler can take answered in
 * the workspace's own terms.
 */
export class RmqServer extends ServerRMQ {
  private readonly consumer = new QueueConsumer();

  constructor(
    options: ConstructorParameters<typeof ServerRMQ>[0],
    /** A service's RPC queue, whose every message is a request to answer (not an events queue). */
    private readonly answersRequests = false,
  ) {
    super(options);
    // Registered after Nest's own `connect` listener, which creates the channel on the first one.
    this.on('connect', () => this.channel && logChannelErrors(this.channel, this.logger));
  }

  /**
   * Nest sends `basic.consume` and reports the server listening without waiting for the
   * broker's consume-ok. Here the consumer is started by `QueueConsumer` (unless paused), and the
   * server is listening once the broker has confirmed it; a channel that closes first is logged,
   * and amqp-connection-manager runs this setup again on the next channel.
   */
  override async setupChannel(channel: Channel, listening: () => void): Promise<void> {
    let consume: ConsumeArguments | undefined;
    // An own property for the length of Nest's setup only; deleting it uncovers amqplib's method.
    Object.assign(channel, {
      consume: (...args: ConsumeArguments) => {
        consume = args;
        return Promise.resolve();
      },
    });
    try {
      await super.setupChannel(channel, () => undefined);
    } finally {
      delete (channel as Partial<Channel>).consume;
    }
    try {
      if (consume) await this.consumer.start(channel, consume);
    } catch (error) {
      this.logger.warn(`not consuming ${this.queue} yet: ${errorMessage(error)}`);
      return;
    }
    listening();
  }

  /**
   * Stops taking messages from the queue, so that they go to the other replicas, and finishes the
   * ones in hand; stays paused across reconnections until `resume`.
   */
  async pause(): Promise<void> {
    await this.consumer.pause().catch((error: unknown) => {
      this.logger.warn(`${this.queue} not paused (${errorMessage(error)}): its channel is closing`);
    });
  }

  /** Takes messages from the queue again. */
  async resume(): Promise<void> {
    await this.consumer.resume().catch((error: unknown) => {
      this.logger.warn(`${this.queue} not resumed (${errorMessage(error)}): the next channel will`);
    });
  }

  /**
   * Refuses a message no handler here can take: a body that is not JSON, a pattern missing or
   * unknown. Nest would answer "There is no matching message handler", or nothing at all to a body
   * that is not JSON; here a caller gets a 400 naming `body` or `pattern` in the `RpcFailure` shape
   * every handler answers with. An event is logged and acknowledged: waiting cannot mend it. The
   * body is parsed once, here, and the packet read is handed to the handler (`dispatch`).
   */
  override async handleMessage(message: ConsumeMessage, channel: Channel): Promise<void> {
    // amqplib hands on null when the broker cancels the consumer (Nest's type leaves it out).
    if (message === null) {
      const queueIsBack = async () => {
        const connection = this.server?.connection;
        // Stopped or reconnecting: consuming fails, once, and the next channel's setup consumes.
        return !connection || queueIsDeclared(connection, this.queue);
      };
      return this.consumer.consumeAgainLater(channel, queueIsBack, (why) =>
        this.logger.warn(`not consuming ${this.queue} again yet: ${why}`),
      );
    }
    const routing = route(message.content, (pattern) => !!this.getHandlerByPattern(pattern), {
      requestsOnly: this.answersRequests,
    });
    if (routing.refusal) return this.refuse(message, channel, routing.refusal);
    const expired = expiredRequest(message, routing.packet.pattern);
    if (expired) return this.drop(message, channel, expired);
    return this.dispatch(message, channel, routing.packet);
  }

  /**
   * What `ServerRMQ.handleMessage` does once it has parsed the body, from the packet read already:
   * through the configured deserializer, to `handleEvent` for an event (a packet without an id),
   * else to the request's handler, whose replies go to the request's reply queue.
   */
  private async dispatch(
    message: ConsumeMessage,
    channel: Channel,
    body: RoutablePacket,
  ): Promise<void> {
    const packet = await this.deserializer.deserialize(body, message.properties);
    const pattern = this.getPatternAsString(packet.pattern);
    const context = new RmqContext([message, channel, pattern]);
    if (!('id' in packet) || packet.id === undefined) {
      return this.handleEvent(pattern, packet, context);
    }
    const handler = this.getHandlerByPattern(pattern);
    // Only a deserializer that rewrites the pattern can lead here.
    if (!handler) {
      return this.refuse(message, channel, {
        pattern,
        errors: { pattern: ['is not handled here'] },
      });
    }
    const { replyTo, correlationId } = message.properties;
    // Typed void, it returns the processing's promise, as Nest's own handleMessage relies on.
    return this.handleRequest(
      context,
      async () => this.transformToObservable(await handler(packet.data, context)),
      (reply: WritePacket) => this.sendMessage(reply, replyTo, correlationId, context),
    );
  }

  /** Acknowledges, unrun and unanswered, a request whose caller has stopped waiting (a 504). */
  private drop(message: ConsumeMessage, channel: Channel, expired: ExpiredRequest): void {
    recordExpiredRequest(expired.pattern);
    this.logger.warn({
      msg: 'request past its deadline dropped',
      queue: this.queue,
      pattern: expired.pattern,
      lateByMs: expired.lateByMs,
    });
    if (!this.noAck) this.settle('expired request', () => channel.ack(message));
  }

  private refuse(message: ConsumeMessage, channel: Channel, { pattern, errors }: Unroutable): void {
    const properties: Partial<Record<'replyTo' | 'correlationId' | 'messageId', unknown>> =
      message.properties;
    // The pattern says what was asked for; the body may hold anyone's data and stays out.
    this.logger.warn({
      msg: 'unroutable message refused',
      queue: this.queue,
      pattern: pattern?.slice(0, 200),
      messageId: properties.messageId,
      problems: errors,
    });
    if (!this.noAck) this.settle('unroutable message', () => channel.ack(message));
    const { replyTo, correlationId } = properties;
    if (typeof replyTo !== 'string' || typeof correlationId !== 'string') return;
    const failure: RpcFailure = { status: 400, errors };
    this.sendMessage({ err: failure, isDisposed: true }, replyTo, correlationId);
  }

  /**
   * Sends a reply, then acknowledges the request once its last reply is on its way: a request
   * holds one of the consumer's prefetch places for as long as it is being worked on, so the
   * broker hands out no more than the service can take at once (back-pressure), and a request
   * whose worker died goes back to the queue for another replica. A reply that cannot be sent is
   * logged: its caller times out, and may retry.
   */
  override sendMessage<T>(
    message: T,
    replyTo: string,
    correlationId: string,
    context?: RmqContext,
  ): void {
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
    if (packet.isDisposed && context && !this.noAck) {
      const channel = context.getChannelRef() as Channel;
      this.settle('request', () => channel.ack(context.getMessage() as ConsumeMessage));
    }
  }

  /**
   * Acknowledges or rejects a message on the channel it came on. One that closed since cannot
   * settle it: RabbitMQ has put the message back for a consumer, so a log line is enough.
   */
  protected settle(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.logger.warn(`${what} not settled (${errorMessage(error)}); it will be delivered again`);
    }
  }
}

/** The server for a service's RPC queue (`@Rpc` handlers): it answers each request on its reply queue. */
export function rpcServer(
  amqpUrl: string,
  queue: string,
): CustomStrategy & { strategy: RmqServer } {
  return { strategy: new RmqServer(rpcServerOptions(amqpUrl, queue).options ?? {}, true) };
}
