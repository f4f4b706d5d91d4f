import { Catch, HttpException, Logger, type RpcExceptionFilter } from '@nestjs/common';
import type { RpcFailure } from '@capstone/contracts';
import { throwError, type Observable } from 'rxjs';
import { ServiceError } from '@capstone/errors';

/**
 * The one place a microservice turns exceptions into replies. Known failures keep their status and
 * details; unknown ones are logged here with their stack and reach the caller as a bare 500.
 */
@Catch()
export class RpcFailureFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcFailureFilter.name);

  catch(exception: unknown): Observable<never> {
    return throwError(() => this.toFailure(exception));
  }

  private toFailure(exception: unknown): RpcFailure {
    if (exception instanceof ServiceError)
      return { status: exception.status, errors: exception.errors };
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), errors: { request: [exception.message] } };
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    return { status: 500, errors: { server: ['an unexpected error occurred'] } };
  }
}
