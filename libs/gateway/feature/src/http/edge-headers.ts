import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { SecurityHeadersOptions } from '@nestjs/common';
// Not re-exported by @nestjs/core's index: the function behind `app.useSecurityHeaders()`.
import { resolveSecurityHeaders } from '@nestjs/core/security/security-headers.js';

/** What the gateway's CORS allows, for `app.enableCors` and for the answers written without it. */
export interface CorsPolicy {
  /** `true` reflects any origin (`CORS_ORIGINS=*`). */
  readonly origins: true | readonly string[];
  readonly exposedHeaders: readonly string[];
}

/**
 * The headers the framework gives an answer to a simple (not preflight) request, for the answers
 * written without it (cache hits), computed once: the security headers as `app.useSecurityHeaders`
 * resolves the same `options`, and what `@fastify/cors` adds for `cors` (`Vary: Origin`, the
 * exposed headers, and the origin itself when it is allowed).
 */
export function edgeHeaders(
  options: SecurityHeadersOptions,
  cors: CorsPolicy,
): (request: IncomingHttpHeaders) => OutgoingHttpHeaders {
  const always: OutgoingHttpHeaders = {
    ...Object.fromEntries(resolveSecurityHeaders(options).headers),
    vary: 'Origin',
    'access-control-expose-headers': cors.exposedHeaders.join(', '),
  };
  const allowing = (origin: string) => ({ ...always, 'access-control-allow-origin': origin });
  if (cors.origins === true) return ({ origin }) => (origin ? allowing(origin) : always);
  const byOrigin = new Map(cors.origins.map((origin) => [origin, allowing(origin)]));
  return ({ origin }) => (origin && byOrigin.get(origin)) || always;
}
