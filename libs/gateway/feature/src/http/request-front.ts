import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerOptions } from 'fastify';

/** Answers a request itself, or hands it on with `next`. */
export type FrontHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next: () => void,
) => void;

/**
 * The first to see each request on Node's server, before Fastify builds its request and reply,
 * routes and runs its hooks: for answers that need none of that (the cache's hits). Fastify is
 * given the server through `serverFactory`, made as Fastify makes its own; the handler is set
 * once the application exists (`use`), and until then every request goes to Fastify.
 */
export class RequestFront {
  private handler?: FrontHandler;

  use(handler: FrontHandler): void {
    this.handler = handler;
  }

  readonly serverFactory = (
    fastify: (request: IncomingMessage, response: ServerResponse) => void,
    options: FastifyServerOptions,
  ): Server => {
    const server = createServer((request, response) => {
      if (!this.handler) return fastify(request, response);
      this.handler(request, response, () => fastify(request, response));
    });
    server.keepAliveTimeout = options.keepAliveTimeout ?? server.keepAliveTimeout;
    server.requestTimeout = options.requestTimeout ?? server.requestTimeout;
    server.setTimeout(options.connectionTimeout ?? 0);
    return server;
  };
}
