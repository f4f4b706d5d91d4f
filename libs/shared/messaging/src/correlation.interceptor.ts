import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { CORRELATION_HEADER } from '@capstone/contracts';
import { acceptOrCreateCorrelationId, runWithCorrelationId } from '@capstone/logging';
import { Observable } from 'rxjs';

/** Continues the correlation id of the HTTP request that caused a broker message, for logs and onward messages. */
@Injectable()
export class BrokerCorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = context.switchToRpc().getContext<unknown>();
    const headers = rmq instanceof RmqContext ? rmq.getMessage().properties.headers : undefined;
    const correlationId = acceptOrCreateCorrelationId(headers?.[CORRELATION_HEADER]);
    return new Observable((subscriber) =>
      runWithCorrelationId(correlationId, () => next.handle().subscribe(subscriber)),
    );
  }
}
