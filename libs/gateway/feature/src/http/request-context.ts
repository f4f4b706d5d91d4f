import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { AccountRules, type ClientInfo } from '@capstone/contracts';
import { acceptOrCreateCorrelationId, runWithCorrelationId } from '@capstone/logging';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Gives every request an id (the caller's, if it is plain) that the response, the logs and broker messages carry. */
export function requestIdMiddleware(): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const requestId = acceptOrCreateCorrelationId(request.get(REQUEST_ID_HEADER));
    response.set(REQUEST_ID_HEADER, requestId);
    runWithCorrelationId(requestId, next);
  };
}

/**
 * JSON body parsing with a size limit, answering its own failures in the RealWorld error shape:
 * malformed JSON is 400, a body over the limit 413, an unsupported charset 415.
 */
export function jsonBodyMiddleware(limit: string): RequestHandler {
  const parse = express.json({ limit });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      const [status, message] =
        type === 'entity.too.large'
          ? [413, `is larger than ${limit}`]
          : type === 'charset.unsupported' || type === 'encoding.unsupported'
            ? [415, 'has an unsupported encoding']
            : [400, 'is not valid JSON'];
      response.status(status).json({ errors: { body: [message] } });
    });
}

export function clientInfo(request: Request): ClientInfo {
  const userAgent = request.get('user-agent')?.slice(0, AccountRules.userAgentMaxLength);
  return { ip: request.ip || null, userAgent: userAgent || null };
}

/** One info line per request once it is answered: method, path, status and duration. */
export function accessLogMiddleware(): RequestHandler {
  const logger = new Logger('Http');
  return (request, response, next) => {
    const started = performance.now();
    response.on('finish', () =>
      logger.log({
        msg: 'request',
        method: request.method,
        path: request.originalUrl.split('?')[0],
        status: response.statusCode,
        durationMs: Math.round(performance.now() - started),
      }),
    );
    next();
  };
}
