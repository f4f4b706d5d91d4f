// Baseline for bench:chat: a bare Socket.IO 4 server on the same Redis (with a key prefix of its
// own) through the same adapter. It speaks the chat's events for what the load uses, and does
// nothing else: no token check, no storage, no rate limit, no presence.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { EVENTS } from '../lib/chat-protocol.mjs';

const pub = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
const sub = pub.duplicate();
const http = createServer((request, response) => {
  response.writeHead(request.url === '/health/ready' ? 200 : 404).end();
});
const io = new Server(http, {
  path: '/socket.io',
  maxHttpBufferSize: 16_384,
  adapter: createAdapter(pub, sub, { key: process.env.REDIS_KEY_PREFIX }),
});
let sequence = 0;
const roomView = (id, name) => ({
  id,
  name,
  kind: 'public',
  peer: null,
  memberCount: 0,
  lastMessageAt: null,
  unread: 0,
});
io.on('connection', (socket) => {
  const author = { userId: randomUUID(), username: `anonymous-${socket.id.slice(0, 6)}` };
  socket.on(EVENTS.createRoom, (body, ack) =>
    ack({ ok: true, data: roomView(randomUUID(), body?.name) }),
  );
  socket.on(EVENTS.joinRoom, async (body, ack) => {
    await socket.join(`room:${body.roomId}`);
    ack({ ok: true, data: roomView(body.roomId, 'room') });
  });
  socket.on(EVENTS.sendMessage, (body, ack) => {
    const message = {
      id: `${process.pid.toString(16)}${(sequence += 1).toString(16).padStart(16, '0')}`,
      roomId: body.roomId,
      author,
      text: body.text,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deleted: false,
      clientMessageId: body.clientMessageId,
    };
    socket.to(`room:${body.roomId}`).emit(EVENTS.messageCreated, message);
    ack({ ok: true, data: message });
  });
});
http.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
