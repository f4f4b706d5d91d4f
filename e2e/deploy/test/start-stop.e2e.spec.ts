import { AUTH_QUEUE, AuthRpc, BLOG_QUEUE, BlogRpc, CHAT_QUEUE, ChatRpc } from '@capstone/contracts';
import { connect, RawRpc, TcpProxy, waitFor } from '@capstone/testing';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendApps, healthPaths, type AppName } from './support/apps.js';
import type { AppProcess } from './support/processes.js';
import { ProductionStack, request, type Reply } from './support/production-stack.js';

/** A request each backend answers with nothing set up: its queue and one of its RPCs. */
const harmlessRequest: Record<Exclude<AppName, 'gateway'>, [string, string, unknown]> = {
  auth: [AUTH_QUEUE, AuthRpc.jwks.pattern, {}],
  blog: [BLOG_QUEUE, BlogRpc.listTags.pattern, {}],
  chat: [CHAT_QUEUE, ChatRpc.listRooms.pattern, { viewerId: randomUUID(), limit: 1, offset: 0 }],
};

/** What a process must never print while it stops. */
const shutdownFailures = /unhandled|Error during shutdown|still stopping after/i;

/** Sends SIGTERM and waits for the process to exit; how long it took. */
async function terminate(app: AppProcess): Promise<number> {
  const sent = Date.now();
  await app.stop();
  return Date.now() - sent;
}

describe('the production builds starting and stopping', () => {
  let stack: ProductionStack;
  let rpc: RawRpc;

  beforeAll(async () => {
    stack = await ProductionStack.prepare('startstop');
    rpc = await RawRpc.connect(stack.stores['rabbitmq'] ?? '');
    for (const app of backendApps) {
      for (const oneShot of ProductionStack.oneShotsBefore(app.name)) {
        const { code, output } = await stack.runOneShot(oneShot);
        if (code !== 0) throw new Error(`${oneShot} failed:\n${output}`);
      }
    }
  }, 300_000);

  afterAll(async () => {
    await rpc?.close();
    await stack?.stop();
  });

  describe.each(backendApps)('$name, started while RabbitMQ is unreachable', ({ name }) => {
    const app = name as Exclude<AppName, 'gateway'>;
    const probe = (path: string) => request(stack.url(app, path)).catch(() => undefined);

    it('is live at once and not ready; once RabbitMQ is back, ready and answering requests; SIGTERM ends it with 0', async () => {
      const amqpUrl = stack.stores['rabbitmq'] ?? '';
      const { hostname, port } = new URL(amqpUrl);
      const broker = await TcpProxy.start({ host: hostname, port: Number(port || 5672) });
      await broker.cut();
      const child = stack.startAsContainer(`${app} without RabbitMQ`, app, {
        ...stack.appEnvironment(app),
        AMQP_URL: broker.rewrite(amqpUrl),
      });
      try {
        const live = await waitFor(
          async () => {
            if (child.hasExited) throw new Error(child.describe());
            return probe(healthPaths.live);
          },
          { timeoutMs: 30_000, what: `${app} to answer its liveness probe` },
        ).catch((error: unknown) => {
          throw new Error(`${String(error)}\n${child.describe()}`);
        });
        expect(live.status).toBe(200);
        const notReady = await probe(healthPaths.ready);
        expect(notReady?.status).toBe(503);
        expect(notReady?.body).toMatchObject({ checks: { rabbitmq: { state: 'down' } } });

        await broker.restore();
        await waitFor(
          async () => ((await probe(healthPaths.ready))?.status === 200 ? true : undefined),
          { timeoutMs: 30_000, what: `${app} to be ready once RabbitMQ is back` },
        );
        const [queue, pattern, data] = harmlessRequest[app];
        const reply = await rpc.request(queue, pattern, data, 15_000);
        expect(reply.err, child.describe()).toBeUndefined();
        expect(reply.response).toBeDefined();

        expect(await terminate(child)).toBeLessThan(5_000);
        expect(child.exitCode, child.describe()).toBe(0);
        expect(child.output).not.toMatch(shutdownFailures);
      } finally {
        await child.stop();
        await broker.cut();
      }
    });
  });

  describe('the whole stack', () => {
    let token: string;
    const gatewayUrl = (path: string) => stack.url('gateway', path);
    const signUp = (name: string): Promise<Reply> =>
      request(gatewayUrl('/api/users'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user: { email: `${name}@example.com`, username: name, password: 'a long passphrase' },
        }),
      });
    /** Resolves with the reason the socket gives for its disconnection. */
    const disconnection = (socket: Socket) =>
      new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

    beforeAll(async () => {
      await stack.startAll();
      const reply = await signUp(`stop${Date.now().toString(36)}`);
      expect(reply.status, stack.describe()).toBe(201);
      token = (reply.body as { user: { token: string } }).user.token;
    }, 120_000);

    it('stops the gateway on SIGTERM within seconds with a WebSocket open through it, once the request in hand is answered: status 0', async () => {
      const socket = await connect(gatewayUrl(''), token);
      const closed = disconnection(socket);
      const auth = stack.process('auth');
      const gateway = stack.process('gateway');
      // A request the gateway holds for a while: auth is paused until after the SIGTERM.
      auth.signal('SIGSTOP');
      const slow = signUp(`slow${Date.now().toString(36)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopping = terminate(gateway);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      auth.signal('SIGCONT');

      expect((await slow).status, gateway.describe()).toBe(201);
      expect(await stopping, gateway.describe()).toBeLessThan(5_000);
      expect(gateway.exitCode, gateway.describe()).toBe(0);
      expect(gateway.output).not.toMatch(shutdownFailures);
      // The reason a client reconnects on by itself.
      expect(await closed).toBe('transport close');
      socket.close();
    });

    it('stops the chat on SIGTERM with status 0, its sockets told to reconnect, which they do to the next chat', async () => {
      const socket = io(stack.url('chat', ''), {
        auth: { token },
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 100,
        reconnectionDelayMax: 500,
      });
      await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
      const closed = disconnection(socket);
      const chat = stack.process('chat');

      expect(await terminate(chat), chat.describe()).toBeLessThan(5_000);
      expect(chat.exitCode, chat.describe()).toBe(0);
      expect(chat.output).not.toMatch(shutdownFailures);
      expect(await closed).toBe('transport close');

      const reconnected = new Promise((resolve) => socket.once('connect', () => resolve(true)));
      await stack.start('chat');
      expect(await reconnected).toBe(true);
      socket.close();
    });
  });
});
