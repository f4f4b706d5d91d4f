import {
  Catch,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { ErrorDetails } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { BrokerUnavailableError } from '@capstone/messaging';
import type { FastifyReply } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { bodyRefusal } from './request-context.js';

interface MappedError {
  readonly status: number;
  readonly errors: ErrorDetails;
  readonly headers?: Record<string, string>;
}

/** A failure that carries its own response headers (Retry-After, say). */
export class ErrorWithHeaders extends ServiceError {
  constructor(
    status: number,
    errors: ErrorDetails,
    readonly headers: Record<string, string>,
  ) {
    super(status, errors);
  }
}

/**
 * The one place the gateway turns any error into a response: the status that fits, and a body in
 * the RealWorld shape `{"errors": {"field": ["message"]}}`. Errors a service sent over the broker
 * keep their status; an unreachable or slow broker is 503 or 504; only a bug is a 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'BODY_LIMIT'>) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<FastifyReply>();
    const { status, errors, headers } = this.map(exception);
    if (headers) response.headers(headers);
    response.status(status).send({ errors });
  }

  private map(exception: unknown): MappedError {
    if (exception instanceof ErrorWithHeaders) return exception;
    // Nest hands Fastify's own errors over as an HttpException caused by them.
    const refusal = bodyRefusal(
      exception instanceof HttpException ? exception.cause : exception,
      this.config.BODY_LIMIT,
    );
    if (refusal) return refusal;
    if (exception instanceof ServiceError)
      return { status: exception.status, errors: exception.errors };
    if (exception instanceof BrokerUnavailableError) {
      this.logger.warn(exception.message);
      return exception.reason === 'timeout'
        ? {
            status: HttpStatus.GATEWAY_TIMEOUT,
            errors: { [exception.service]: ['did not answer in time'] },
          }
        : {
            status: HttpStatus.SERVICE_UNAVAILABLE,
            errors: { [exception.service]: ['is unavailable'] },
          };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        status,
        errors: { request: [status === 404 ? 'no such route' : exception.message] },
      };
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      errors: { server: ['an unexpected error occurred'] },
    };
  }
}
