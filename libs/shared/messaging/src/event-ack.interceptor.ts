import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';
import { catchError, EMPTY, tap, type Observable } from 'rxjs';
import { errorMessage } from '@capstone/errors';
import { MalformedEventError } from './event-handler.js';
import { recordConsumedEvent } from './messaging-metrics.js';

/** How long a failed event waits before it goes back to the queue, so a failure does not spin. */
const REDELIVERY_DELAY_MS = 1_000;

/**
 * Acknowledges an event consumed with `noAck: false` (see `eventConsumerOptions`) once its handler
 * has finished, so RabbitMQ forgets it only when it was applied. When the handler fails, the
 * event is returned to the queue after a short delay and tried again: handlers must therefore be
 * idempotent. A malformed event is logged and acknowledged, since waiting cannot mend it. If the
 * process dies first, RabbitMQ redelivers the unacknowledged event itself. Every event is counted
 * (`messaging.client.consumed.messages`). Only for event consumers: on an RPC server
 * (`noAck: true`) acknowledging would close the channel.
 */
@Injectable()
export class EventAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger(EventAckInterceptor.name);

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = context.switchToRpc().getContext<unknown>();
    if (!(rmq instanceof RmqContext)) return next.handle();
    const channel = rmq.getChannelRef() as Channel;
    const message = rmq.getMessage() as Message;
    const started = performance.now();
    const record = (errorType?: string) =>
      recordConsumedEvent({
        event: rmq.getPattern(),
        redelivered: message.fields.redelivered,
        seconds: (performance.now() - started) / 1000,
        ...(errorType ? { errorType } : {}),
      });
    return next.handle().pipe(
      tap({
        complete: () => {
          record();
          this.settle(() => channel.ack(message));
        },
      }),
      catchError((error: unknown) => {
        if (error instanceof MalformedEventError) {
          record('malformed');
          // The routing key and the broker's message id say which event; the payload stays out.
          this.logger.error({
            msg: 'malformed event dropped',
            pattern: rmq.getPattern(),
            messageId: message.properties.messageId,
            problems: error.problems,
          });
          this.settle(() => channel.ack(message));
          return EMPTY;
        }
        record(error instanceof Error ? error.name : 'unknown');
        this.logger.warn({
          msg: 'event handling failed; it will be redelivered',
          pattern: rmq.getPattern(),
          messageId: message.properties.messageId,
          error: errorMessage(error),
        });
        setTimeout(
          () => this.settle(() => channel.nack(message, false, true)),
          REDELIVERY_DELAY_MS,
        ).unref();
        return EMPTY;
      }),
    );
  }

  /** A channel that closed meanwhile cannot settle the message; RabbitMQ then redelivers it. */
  private settle(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.logger.warn({
        msg: 'could not settle an event; RabbitMQ will redeliver it',
        error: errorMessage(error),
      });
    }
  }
}
