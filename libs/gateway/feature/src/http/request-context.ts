import { AccountRules, type ClientInfo } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const BYTES_PER_UNIT = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;

/** `BODY_LIMIT` (`100kb`: the units Express's body parser took) in bytes. */
export function byteCount(limit: string): number {
  const [, count = '', unit = 'b'] = /^(\d+)(b|kb|mb)$/.exec(limit) ?? [];
  return Number(count) * BYTES_PER_UNIT[unit as keyof typeof BYTES_PER_UNIT];
}

const notJson = () => new ServiceError(400, { body: ['is not valid JSON'] });
const unsupportedEncoding = () => new ServiceError(415, { body: ['has an unsupported encoding'] });

/** A JSON text whose top level is an object or an array (after JSON's whitespace): a body. */
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[{[]/;

/**
 * The API's one body type, JSON, in UTF-8 and not compressed. Fastify parses it after the request
 * hooks, so the cache fast path answers first, and refuses a body over `limit` before reading it
 * (413) or of another media type (415): `bodyRefusal` words those. As with Express's parser, an
 * empty body is `{}` (the web page sends the header without one) and malformed JSON, or any that
 * is not an object or an array, is 400.
 */
export function acceptJsonBodies(fastify: FastifyInstance, limit: string): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: byteCount(limit) },
    (
      request: FastifyRequest,
      body: string,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      const charset = /;\s*charset=([^;\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
      const encoding = request.headers['content-encoding'] ?? 'identity';
      if ((charset && !/^"?utf-8"?$/i.test(charset)) || encoding.toLowerCase() !== 'identity') {
        return done(unsupportedEncoding());
      }
      if (body.trim() === '') return done(null, {});
      if (!OBJECT_OR_ARRAY.test(body)) return done(notJson());
      try {
        done(null, JSON.parse(body));
      } catch {
        done(notJson());
      }
    },
  );
}

/** Fastify's refusals of a request body, in the RealWorld shape; undefined for other errors. */
export function bodyRefusal(error: unknown, limit: string): ServiceError | undefined {
  switch ((error as { code?: unknown } | undefined)?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServiceError(413, { body: [`is larger than ${limit}`] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ServiceError(415, { body: ['must be JSON (Content-Type: application/json)'] });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ServiceError(400, { body: ['does not match its Content-Length'] });
    default:
      return undefined;
  }
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent']?.slice(0, AccountRules.userAgentMaxLength);
  return { ip: request.ip || null, userAgent: userAgent || null };
}
