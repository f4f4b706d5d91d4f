import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChatSocket, type MessagePage } from '@capstone/contracts';
import {
  articleAnnouncement,
  connect,
  expectOk,
  freePort,
  missThenHit,
  publicRoom,
  refusal,
  sendMessage,
  waitFor,
} from '@capstone/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  apps,
  backendApps,
  buildOutputDir,
  bundleOf,
  hasMigrations,
  migrateName,
  migratingApps,
  repoRoot,
  type AppName,
} from './support/apps.js';
import { commandOf, loadCompose, service } from './support/compose.js';
import { imageCommand, imageWorkingDirectory } from './support/images.js';
import { allUp, ProductionStack, request } from './support/production-stack.js';

const compose = loadCompose();

describe('the production builds, run as their containers run them', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await ProductionStack.prepare('deploy');
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('produces the bundles the images, the migrate services and the deploy gates run, where the images copy them from', () => {
    for (const app of apps) {
      const directory = resolve(repoRoot, imageWorkingDirectory(app.name));
      const main = bundleOf(app.name, 'main.ts');
      expect(imageCommand(app.name).at(-1)).toBe(main);
      expect(existsSync(resolve(directory, main)), `${app.name}: ${main}`).toBe(true);
      // The init container of the app's pods in Kubernetes (k8s/base/<app>/deployment.yaml).
      const gate = bundleOf(app.name, 'deploy-gate.ts');
      expect(existsSync(resolve(directory, gate)), `${app.name}: ${gate}`).toBe(true);
    }
    for (const app of migratingApps) {
      const script = commandOf(service(compose, migrateName(app)))?.at(-1) ?? '';
      expect(script).toBe(bundleOf(app.name, 'migrate.ts'));
      expect(existsSync(resolve(repoRoot, imageWorkingDirectory(app.name), script))).toBe(true);
    }
  });

  it('writes each app a package.json and lock file that name its own dependencies only', () => {
    const dependencies = (app: AppName) => {
      const directory = resolve(repoRoot, buildOutputDir(app));
      const manifest = JSON.parse(readFileSync(resolve(directory, 'package.json'), 'utf8')) as {
        type: string;
        dependencies: Record<string, string>;
      };
      const lock = JSON.parse(readFileSync(resolve(directory, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version?: string }>;
      };
      expect(manifest.type, 'the bundles are ES modules').toBe('module');
      for (const [name, version] of Object.entries(manifest.dependencies)) {
        expect(lock.packages[`node_modules/${name}`]?.version, `${app}: ${name}`).toBe(version);
      }
      return Object.keys(manifest.dependencies);
    };
    expect(dependencies('auth')).toEqual(expect.arrayContaining(['argon2', 'pg', 'typeorm']));
    expect(dependencies('auth')).not.toEqual(expect.arrayContaining(['mongoose']));
    expect(dependencies('chat')).toEqual(expect.arrayContaining(['mongoose', 'socket.io']));
    expect(dependencies('chat')).not.toContain('argon2');
    expect(dependencies('gateway')).toEqual(
      expect.arrayContaining(['@nestjs/platform-fastify', '@nestjs/swagger']),
    );
    for (const app of apps) {
      const names = dependencies(app.name);
      // The broker transport Nest loads by name at run time, which no import reveals.
      expect(names, app.name).toContain('amqp-connection-manager');
      for (const tool of ['typescript', 'nx', 'vitest', 'esbuild', '@swc/core']) {
        expect(names, `${app.name} ships ${tool}`).not.toContain(tool);
      }
    }
  });

  describe('the stack from docker-compose.yml', () => {
    const gatewayUrl = (path: string) => stack.url('gateway', path);
    /** What the apps printed, to explain a failed request through the gateway. */
    const outputs = () => stack.describe();
    const sockets: Socket[] = [];
    let username: string;
    let token: string;
    let slug: string;

    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.close();
    });

    // The order compose starts them in: one-shots, then the services behind the gateway, then it.
    it('declares the broker topology with the broker-topology service command, again and again', async () => {
      for (let run = 0; run < 2; run += 1) {
        const { code, output } = await stack.runOneShot('broker-topology');
        expect(code, output).toBe(0);
        expect(output).toContain('broker topology declared');
      }
    });

    it('replays a queue’s dead letters with the dlq-replay.js of the same image, and names the queues on a typo', async () => {
      const replay = (queue: string) =>
        stack
          .startAsContainer(
            'dlq-replay',
            'gateway',
            stack.hostEnvironment('broker-topology', 'gateway'),
            ['node', bundleOf('gateway', 'dlq-replay.ts'), queue],
          )
          .finished(60_000);
      const replayed = await replay('blog.events');
      expect(replayed.code, replayed.output).toBe(0);
      expect(replayed.output).toContain('replayed 0 event(s) from blog.events.dead to blog.events');
      const typo = await replay('blog.event');
      expect(typo.code, typo.output).toBe(1);
      expect(typo.output).toContain('one of blog.events, chat.events, gateway.events');
    });

    for (const app of backendApps) {
      const keyMakers = ProductionStack.oneShotsBefore(app.name).filter(
        (name) => name !== migrateName(app) && name !== 'broker-topology',
      );
      for (const oneShot of keyMakers) {
        it(`makes ${app.name}'s signing key with the ${oneShot} service command, and keeps it when run again`, async () => {
          const first = await stack.runOneShot(oneShot);
          expect(first.code, first.output).toBe(0);
          expect(first.output).toContain('new signing key written');
          const again = await stack.runOneShot(oneShot);
          expect(again.code, again.output).toBe(0);
          expect(again.output).toContain('kept the key');
        });
      }
      if (hasMigrations(app)) {
        it(`migrates the ${app.name} database with the ${migrateName(app)} service command, then exits 0`, async () => {
          const { code, output } = await stack.migrate(app.name);
          expect(code, output).toBe(0);
          expect(output).toContain('migrations applied');
        });
      }

      it(`starts ${app.name} in production mode and reports it ready`, async () => {
        const ready = await stack.start(app.name);
        expect(ready.status).toBe(200);
        expect(ready.body).toEqual({ status: 'ok', checks: allUp(app.name) });
      });
    }

    it('starts the gateway in production mode, forwarding Socket.IO to that chat, and reports it ready', async () => {
      expect(stack.appEnvironment('gateway')['CHAT_URL']).toBe(stack.url('chat', ''));
      const ready = await stack.start('gateway');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok', checks: allUp('gateway') });
    });

    it('signs a user up through the gateway with 201', async () => {
      username = `deploy${Date.now().toString(36)}`;
      const reply = await request(gatewayUrl('/api/users'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user: { email: `${username}@example.com`, username, password: 'a long passphrase' },
        }),
      });
      expect(reply.status, `${JSON.stringify(reply.body)}\n${outputs()}`).toBe(201);
      expect(reply.body).toMatchObject({
        user: { username, email: `${username}@example.com`, token: expect.any(String) },
      });
      token = (reply.body as { user: { token: string } }).user.token;
    });

    it('writes an article through the gateway with that token: 201', async () => {
      const article = {
        title: 'Shipped from a production build',
        description: 'Migrated, started and reached through the gateway',
        body: 'The blog answers over RabbitMQ.',
        tagList: ['deploy', 'capstone'],
      };
      const reply = await request(gatewayUrl('/api/articles'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Token ${token}` },
        body: JSON.stringify({ article }),
      });
      expect(reply.status, `${JSON.stringify(reply.body)}\n${outputs()}`).toBe(201);
      expect(reply.body).toMatchObject({
        article: {
          ...article,
          tagList: ['capstone', 'deploy'],
          slug: expect.stringMatching(/^shipped-from-a-production-build-\w+$/),
        },
      });
      slug = (reply.body as { article: { slug: string } }).article.slug;
    });

    it('reads the article back through the gateway, from the blog first, then from its cache', async () => {
      const { miss, hit } = await missThenHit(() =>
        request(gatewayUrl(`/api/articles/${slug}`)),
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${outputs()}`);
      });
      expect(miss.body).toMatchObject({
        article: { slug, title: 'Shipped from a production build' },
      });
      expect(hit.body).toEqual(miss.body);
    });

    it('accepts a Socket.IO connection through the gateway with the sign-up token, WebSocket only', async () => {
      const socket = await connect(gatewayUrl(''), token).catch((error: unknown) => {
        throw new Error(`the connection was refused: ${String(error)}\n${outputs()}`);
      });
      sockets.push(socket);
      expect(socket.connected).toBe(true);
      expect(socket.io.engine.transport.name).toBe('websocket');
    });

    it('refuses a Socket.IO connection without a token with a connect_error that says so', async () => {
      expect(await refusal(gatewayUrl(''))).toBe('token is missing');
    });

    it('stores a message sent over the socket, and serves it back as history over the REST API', async () => {
      const socket = await connect(gatewayUrl(''), token);
      sockets.push(socket);
      const room = await publicRoom(socket, `deploy-${Date.now().toString(36)}`);
      await expectOk(socket, ChatSocket.joinRoom, { roomId: room.id });
      const sent = await sendMessage(socket, room.id, 'Hello from a production build');
      expect(sent).toMatchObject({ roomId: room.id, text: 'Hello from a production build' });

      const history = await request(gatewayUrl(`/api/chat/rooms/${room.id}/messages`), {
        headers: { authorization: `Token ${token}` },
      });
      expect(history.status, `${JSON.stringify(history.body)}\n${outputs()}`).toBe(200);
      expect((history.body as MessagePage).messages).toEqual([
        expect.objectContaining({ id: sent.id, text: 'Hello from a production build' }),
      ]);
    });

    it('announces the new article in the #articles room (blog events reach the chat)', async () => {
      const authorized = { headers: { authorization: `Token ${token}` } };
      const announcement = await waitFor(
        () => articleAnnouncement((path) => request(gatewayUrl(path), authorized), slug),
        { timeoutMs: 15_000, what: `the announcement of ${slug}` },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${outputs()}`);
      });
      expect(announcement.text).toBe(
        `New article by ${username}: Shipped from a production build (${slug})`,
      );
      expect(announcement.author).toBeNull();
    });
  });

  describe('a wrong configuration stops the app with a message that names the variable', () => {
    it('auth in production without JWT_PRIVATE_KEY', async () => {
      const {
        JWT_PRIVATE_KEY: _key,
        JWT_PRIVATE_KEY_FILE: _file,
        ...environment
      } = stack.hostEnvironment('auth', 'auth');
      const auth = stack.startAsContainer('auth without a key', 'auth', {
        ...environment,
        NODE_ENV: 'production',
        PORT: String(await freePort()),
      });
      const { code, output } = await auth.finished(20_000);
      expect(code).not.toBe(0);
      expect(output).toContain('JWT_PRIVATE_KEY');
    });

    it.each([
      ['blog', 'DATABASE_URL', 'mysql://x'],
      ['chat', 'MONGO_URL', 'postgres://x'],
      ['gateway', 'AMQP_URL', 'http://x'],
    ] as const)('the %s with %s=%s', async (app, variable, value) => {
      const started = stack.startAsContainer(`${app} with a bad ${variable}`, app, {
        ...stack.hostEnvironment(app, app),
        [variable]: value,
        PORT: String(await freePort()),
      });
      const { code, output } = await started.finished(20_000);
      expect(code).not.toBe(0);
      expect(output).toContain(variable);
    });
  });
});
