import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ExecutionContext } from '@nestjs/common';
import { ServiceError } from '@capstone/errors';
import type { Params } from 'nestjs-pino';
import type { Options } from 'pino-http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Requests the probes and Prometheus make all the time: not worth a line each. */
const QUIET_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/**
 * One access log line per HTTP request (pino-http): method, path, status and duration. Its id is
 * the trace id of the request's span, so one id finds the request in the logs of every service
 * and in the tracing backend, and the client gets it back as `X-Request-Id`.
 */
export function requestLogging(logger: Logger): Options {
  return {
    logger,
    genReqId: (_request: IncomingMessage, response: ServerResponse) => {
      const id = trace.getActiveSpan()?.spanContext().traceId ?? randomUUID();
      response.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (request) => QUIET_PATHS.test(request.url ?? '') },
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        path: request.url.split('?')[0],
      }),
      res: (response: { statusCode: number }) => ({ status: response.statusCode }),
    },
  };
}

/**
 * One line per broker message handled: its pattern, outcome and duration. A failure the service
 * expected (a `ServiceError`: not found, invalid, forbidden) is part of the conversation, not an
 * error of the service's, and is logged as such.
 */
export const messageLogging: Exclude<Params['microservice'], boolean | undefined> = {
  customLogLevel: (_context: ExecutionContext, error?: Error) =>
    error === undefined || (error instanceof ServiceError && error.status < 500) ? 'info' : 'error',
};
