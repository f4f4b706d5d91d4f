import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import fastifyHttpProxy from '@fastify/http-proxy';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { FastifyPluginAsync } from 'fastify';
import { createProxyMiddleware, type RequestHandler as ProxyHandler } from 'http-proxy-middleware';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

const SOCKET_IO_PATH = '/socket.io';

const REFUSED_WHILE_STOPPING =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * Forwards Socket.IO (its HTTP long-polling and its WebSocket upgrades) to the chat service, so
 * the browser sees one origin. Several chat instances may sit behind the target (a Kubernetes
 * Service, say): the web page connects with the WebSocket transport only, which needs no sticky
 * sessions, and the instances share rooms through the Redis adapter.
 *
 * The long-polling requests are Fastify routes (@fastify/http-proxy), with the gateway's headers
 * and logs. A WebSocket upgrade is piped to the chat as it is, bytes both ways, from the HTTP
 * server's `upgrade` event: the plugin's own WebSocket mode would decode and re-send every frame
 * and close sockets with a handshake that may wait 30 s.
 *
 * A forwarded WebSocket lives as long as its client, which would keep the gateway's HTTP server
 * from closing: when the gateway stops, it closes them (both ends), and Socket.IO clients
 * reconnect through another gateway.
 */
@Injectable()
export class SocketIoProxy implements BeforeApplicationShutdown {
  private readonly upgrades: ProxyHandler;
  private readonly sockets = new Set<Duplex>();
  private stopping = false;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.upgrades = createProxyMiddleware({
      target: config.CHAT_URL,
      ws: true,
      pathFilter: SOCKET_IO_PATH,
      changeOrigin: false,
      on: { open: (toChat) => this.track(toChat) },
    });
  }

  /** The Fastify plugin that forwards both. */
  readonly plugin: FastifyPluginAsync = async (fastify) => {
    fastify.server.on('upgrade', (request, socket, head) => {
      if (!request.url?.startsWith(SOCKET_IO_PATH)) return;
      if (this.stopping) return void socket.end(REFUSED_WHILE_STOPPING);
      this.track(socket);
      // Node types an upgrade's socket as a Duplex; for HTTP servers it is always a net.Socket.
      this.upgrades.upgrade(request, socket as Socket, head);
    });
    await fastify.register(fastifyHttpProxy, {
      upstream: this.config.CHAT_URL,
      prefix: SOCKET_IO_PATH,
      rewritePrefix: SOCKET_IO_PATH,
      // In the RealWorld error shape, as the broker's timeouts and outages are.
      replyOptions: {
        onError: (reply, { error }) => {
          const timedOut = (error as { statusCode?: number }).statusCode === 504;
          void reply.code(timedOut ? 504 : 503).send({
            errors: { chat: [timedOut ? 'did not answer in time' : 'is unavailable'] },
          });
        },
      },
    });
  };

  beforeApplicationShutdown(): void {
    this.stopping = true;
    for (const socket of this.sockets) socket.destroy();
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
