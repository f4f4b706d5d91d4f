import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { RequestHandler } from 'express';

/**
 * Forwards Socket.IO (its HTTP long-polling and its WebSocket upgrades) to the chat service, so
 * the browser sees one origin. Several chat instances may sit behind the target (a Kubernetes
 * Service, say): the web page connects with the WebSocket transport only, which needs no sticky
 * sessions, and the instances share rooms through the Redis adapter.
 */
export function socketIoProxy(chatUrl: string, server: Server): RequestHandler {
  const proxy = createProxyMiddleware({
    target: chatUrl,
    ws: true,
    pathFilter: '/socket.io',
    changeOrigin: false,
  });
  server.on('upgrade', (request, socket, head) => {
    // Node types an upgrade's socket as a Duplex; for HTTP servers it is always a net.Socket.
    if (request.url?.startsWith('/socket.io')) proxy.upgrade(request, socket as Socket, head);
  });
  return proxy;
}
