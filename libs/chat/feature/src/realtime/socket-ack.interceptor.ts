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

/**
 * The one place socket handlers' results and failures become acknowledgements: a result is
 * `{ ok: true, data }`, an expected failure `{ ok: false, error: 'field: what is wrong' }`, and
 * anything else is logged here and answered without details. The connection stays open.
 */
@Injectable()
export class SocketAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger(SocketAckInterceptor.name);

  intercept(context: ExecutionContext, next: CallHandler): Observable<SocketAck<unknown>> {
    return next.handle().pipe(
      map((data: unknown): SocketAck<unknown> => ({ ok: true, data: data ?? null })),
      catchError((error: unknown) => {
        if (error instanceof ServiceError) return of(failure(describe(error)));
        this.logger.error({
          msg: 'socket event failed',
          event: context.switchToWs().getPattern(),
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
