import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { SocketAck } from '@capstone/contracts';
import { errorMessage, ServiceError } from '@capstone/errors';
import { catchError, map, of, type Observable } from 'rxjs';
import { countSocketEvent } from './socket-metrics.js';

/**
 * The one place socket handlers' results and failures become acknowledgements: a result is
 * `{ ok: true, data }`, an expected failure `{ ok: false, error: 'field: what is wrong' }`, and
 * anything else is logged here and answered without details. The connection stays open. Every
 * event is counted by its result (`capstone.chat.socket.events`).
 */
@Injectable()
export class SocketAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger(SocketAckInterceptor.name);

  intercept(context: ExecutionContext, next: CallHandler): Observable<SocketAck<unknown>> {
    const event = context.switchToWs().getPattern();
    return next.handle().pipe(
      map((data: unknown): SocketAck<unknown> => {
        countSocketEvent(event, 'ok');
        return { ok: true, data: data ?? null };
      }),
      catchError((error: unknown) => {
        if (error instanceof ServiceError) {
          countSocketEvent(event, error.status >= 500 ? 'error' : 'refused');
          return of(failure(describe(error)));
        }
        countSocketEvent(event, 'error');
        this.logger.error({
          msg: 'socket event failed',
          event,
          error: errorMessage(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
        return of(failure('server: something went wrong; try again'));
      }),
    );
  }
}

function failure(error: string): SocketAck<never> {
  return { ok: false, error };
}

function describe(error: ServiceError): string {
  return Object.entries(error.errors)
    .map(([name, messages]) => `${name}: ${messages.join(', ')}`)
    .join('; ');
}
