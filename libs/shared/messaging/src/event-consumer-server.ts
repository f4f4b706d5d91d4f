import type { ReadPacket, RmqContext } from '@nestjs/microservices';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import {
  deadLetterQueueOf,
  eventsQueueNamed,
  retryQueueOf,
  type EventRetryPolicy,
} from '@capstone/contracts';
import { errorMessage } from '@capstone/errors';
import { declareFailureQueues } from './broker-topology.js';
import {
  carriedHeaders,
  describeFailure,
  failedAttemptsOf,
  FailureHeaders,
  publishCopy,
  ReturnedCopyError,
} from './failed-events.js';
import { withinTimeout } from './handler-timeout.js';
import { MalformedEventError } from './malformed-event.error.js';
import { recordConsumedEvent, recordFailedEvent } from './messaging-metrics.js';
import { RmqServer } from './rmq-server.js';

/**
 * The server of a service's events queue. An event is acknowledged once its handler has
 * finished. A handler that fails, or runs past `handlerTimeoutMs`, does not hold the consumer:
 * a copy of the event goes to `<queue>.retry`, where it waits `retryDelayMs` before RabbitMQ puts
 * it back in the queue, and the original is acknowledged once RabbitMQ has confirmed the copy.
 * After `maxAttempts` (at once for a malformed event) the copy goes to `<queue>.dead` instead,
 * with the error that killed it, to be read in the RabbitMQ UI and replayed (`dlq:replay`).
 * Copies keep the event's headers (message id, trace context) and count its attempts
 * (`capstone-attempts`). Retries and dead letters are logged and counted by event.
 */
export class EventConsumerServer extends RmqServer {
  override readonly propagatesEventHandlerErrors = true;

  constructor(
    options: ConstructorParameters<typeof RmqServer>[0],
    private readonly policy: EventRetryPolicy,
  ) {
    super(options);
  }

  /**
   * Refuses to start when the handlers and the topology's bindings of the queue differ: an event
   * bound but unhandled would be refused, and one handled but unbound would not reach the queue
   * before the service first started.
   */
  override listen(callback: (error?: unknown, ...rest: unknown[]) => void): Promise<void> {
    const handled = [...this.getHandlers().keys()].sort();
    let bound: string[];
    try {
      bound = eventsQueueNamed(this.queue)
        .events.map((event) => event.name)
        .sort();
    } catch (error) {
      callback(error);
      return Promise.resolve();
    }
    if (handled.join() !== bound.join()) {
      callback(
        new Error(
          `${this.queue} handles ${handled.join(', ')} but the broker topology binds ` +
            `${bound.join(', ')} (libs/shared/contracts/src/broker-topology.ts)`,
        ),
      );
      return Promise.resolve();
    }
    return super.listen(callback);
  }

  /** The retry and dead-letter queues exist before the first event is taken, as the topology declares them. */
  override async setupChannel(channel: Channel, listening: () => void): Promise<void> {
    await declareFailureQueues(channel, this.queue);
    return super.setupChannel(channel, listening);
  }

  /**
   * Runs the event between Nest's processing hooks, as Nest's own servers do, so that a stopping
   * service waits for the events in hand (`GracefulShutdown` in @capstone/service-defaults).
   */
  override handleEvent(pattern: string, packet: ReadPacket, context: RmqContext): Promise<void> {
    return new Promise((resolve, reject) => {
      this.runWithProcessingHooks(context, (processed) =>
        this.consumeEvent(pattern, packet, context).then(resolve, reject).finally(processed),
      );
    });
  }

  private async consumeEvent(pattern: string, packet: ReadPacket, context: RmqContext) {
    const handler = this.getHandlerByPattern(pattern);
    // `RmqServer.handleMessage` has refused a pattern no handler takes already.
    if (!handler) return super.handleEvent(pattern, packet, context);
    const message = context.getMessage() as ConsumeMessage;
    // amqp-connection-manager opens confirm channels: RabbitMQ confirms what is published on them.
    const channel = context.getChannelRef() as ConfirmChannel;
    const started = performance.now();
    const run = async () =>
      lastValueFrom(this.transformToObservable(await handler(packet.data, context)), {
        defaultValue: undefined,
      });
    let failure: unknown;
    try {
      await withinTimeout(run(), this.policy.handlerTimeoutMs);
    } catch (error) {
      failure = error;
    }
    recordConsumedEvent({
      event: pattern,
      redelivered: message.fields.redelivered || failedAttemptsOf(message) > 0,
      seconds: (performance.now() - started) / 1000,
      ...(failure === undefined ? {} : { errorType: errorTypeOf(failure) }),
    });
    if (failure === undefined) return this.settle('event', () => channel.ack(message));
    return this.moveFailed(channel, message, pattern, failure);
  }

  /** Sends the failed event to the retry or dead-letter queue, then acknowledges it. */
  private async moveFailed(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    pattern: string,
    error: unknown,
  ): Promise<void> {
    const attempt = failedAttemptsOf(message) + 1;
    const dead = error instanceof MalformedEventError || attempt >= this.policy.maxAttempts;
    const target = dead ? deadLetterQueueOf(this.queue) : retryQueueOf(this.queue);
    const headers = carriedHeaders(message, {
      [FailureHeaders.attempts]: attempt,
      [FailureHeaders.error]: describeFailure(error),
    });
    try {
      // While RabbitMQ blocks publishers the confirm waits: the event would hold its prefetch place.
      await withinTimeout(
        publishCopy(channel, target, message, headers, dead ? undefined : this.policy.retryDelayMs),
        this.policy.handlerTimeoutMs,
        () => new Error(`RabbitMQ did not confirm it within ${this.policy.handlerTimeoutMs} ms`),
      );
    } catch (publishError) {
      // Not acknowledged: RabbitMQ delivers it again, now or once the channel is back. A returned
      // copy is an error: its queue is gone, and the event goes round until it is declared again.
      const log = publishError instanceof ReturnedCopyError ? 'error' : 'warn';
      this.logger[log]({
        msg: `a failed event could not be moved to ${target}`,
        pattern,
        messageId: message.properties.messageId,
        error: errorMessage(publishError),
      });
      return this.settle('failed event', () => channel.nack(message, false, true));
    }
    this.settle('failed event', () => channel.ack(message));
    recordFailedEvent(dead ? 'dead' : 'retry', pattern, errorTypeOf(error));
    // The pattern, the message id and the error say which event and why; the payload stays out.
    const line = { pattern, messageId: message.properties.messageId, attempt, queue: target };
    if (error instanceof MalformedEventError) {
      this.logger.error({
        msg: 'malformed event dead-lettered',
        ...line,
        problems: error.problems,
      });
    } else if (dead) {
      this.logger.error({ msg: 'event dead-lettered', ...line, error: errorMessage(error) });
    } else {
      this.logger.warn({
        msg: 'event handling failed; it will be retried',
        ...line,
        error: errorMessage(error),
      });
    }
  }
}

function errorTypeOf(error: unknown): string {
  if (error instanceof MalformedEventError) return 'malformed';
  return error instanceof Error ? error.name : 'unknown';
}
