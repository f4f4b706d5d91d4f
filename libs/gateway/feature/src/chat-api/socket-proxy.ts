import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { RequestHandler } from 'express';
import { createProxyMiddleware, type RequestHandler as ProxyHandler } from 'http-proxy-middleware';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

const REFUSED_WHILE_STOPPING =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * Forwards Socket.IO (its HTTP long-polling and its WebSocket upgrades) to the chat service, so
 * the browser sees one origin. Several chat instances may sit behind the target (a Kubernetes
 * Service, say): the web page connects with the WebSocket transport only, which needs no sticky
 * sessions, and the instances share rooms through the Redis adapter.
 *
 * A forwarded WebSocket lives as long as its client, which would keep the gateway's HTTP server
 * from closing: when the gateway stops, it closes them (both ends), and Socket.IO clients
 * reconnect through another gateway.
 */
@Injectable()
export class SocketIoProxy implements BeforeApplicationShutdown {
  private readonly proxy: ProxyHandler;
  private readonly sockets = new Set<Duplex>();
  private stopping = false;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.proxy = createProxyMiddleware({
      target: config.CHAT_URL,
      ws: true,
      pathFilter: '/socket.io',
      changeOrigin: false,
      on: { open: (toChat) => this.track(toChat) },
    });
  }

  /** The middleware for Socket.IO's HTTP requests; `server`'s WebSocket upgrades are forwarded too. */
  attach(server: Server): RequestHandler {
    server.on('upgrade', (request, socket, head) => {
      if (!request.url?.startsWith('/socket.io')) return;
      if (this.stopping) return void socket.end(REFUSED_WHILE_STOPPING);
      this.track(socket);
      // Node types an upgrade's socket as a Duplex; for HTTP servers it is always a net.Socket.
      this.proxy.upgrade(request, socket as Socket, head);
    });
    return this.proxy;
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    for (const socket of this.sockets) socket.destroy();
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
