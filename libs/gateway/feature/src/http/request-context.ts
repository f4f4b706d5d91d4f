import { AccountRules, type ClientInfo } from '@capstone/contracts';
import express, { type Request, type RequestHandler } from 'express';

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
