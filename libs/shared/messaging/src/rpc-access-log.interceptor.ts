import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { isRpcFailure } from '@capstone/contracts';
import { performance } from 'node:perf_hooks';
import { tap, type Observable } from 'rxjs';

/** One debug line per handled broker message: pattern, outcome and duration, with the correlation id. */
@Injectable()
export class RpcAccessLogInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Rpc');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = context.switchToRpc().getContext<unknown>();
    const pattern = rmq instanceof RmqContext ? rmq.getPattern() : undefined;
    const started = performance.now();
    const done = (status: number) =>
      this.logger.debug({
        msg: 'handled',
        pattern,
        status,
        durationMs: Math.round(performance.now() - started),
      });
    return next.handle().pipe(
      tap({
        next: () => done(200),
        error: (error: unknown) => done(isRpcFailure(error) ? error.status : 500),
      }),
    );
  }
}
