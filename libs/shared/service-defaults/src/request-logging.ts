import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ExecutionContext } from '@nestjs/common';
import { ServiceError } from '@capstone/errors';
import type { Params } from 'nestjs-pino';
import type { Options } from 'pino-http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Requests the probes and Prometheus make all the time: not worth a line each. */
const QUIET_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

const REQUEST_ID = Symbol('capstone.request-id');

type IdentifiedRequest = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * Gives every HTTP request its id before the framework sees it (a listener on Node's server, so
 * under Express and Fastify alike, and for the requests a hook answers too): the trace id of the
 * request's span, so one id finds the request in the logs of every service and in the tracing
 * backend, or a random UUID with telemetry off. The client gets it back as `X-Request-Id`.
 */
export function identifyRequests(server: Server): void {
  server.prependListener('request', (request: IdentifiedRequest, response: ServerResponse) => {
    const id = trace.getActiveSpan()?.spanContext().traceId ?? randomUUID();
    request[REQUEST_ID] = id;
    response.setHeader(REQUEST_ID_HEADER, id);
  });
}

/**
 * One access log line per HTTP request (pino-http): its id (`identifyRequests`), method, path,
 * status and duration. The id is read from the request itself: Fastify gives `req.id` an id of its
 * own, which pino-http would take.
 */
export function requestLogging(logger: Logger): Options {
  return {
    logger,
    autoLogging: { ignore: (request) => QUIET_PATHS.test(request.url ?? '') },
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    serializers: {
      req: (request: { raw: IdentifiedRequest; method: string; url: string }) => ({
        id: request.raw[REQUEST_ID],
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
