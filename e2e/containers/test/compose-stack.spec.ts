import { randomUUID } from 'node:crypto';
import {
  ChatSocket,
  type ChatMessageView,
  type MessagePage,
  type RoomView,
} from '@capstone/contracts';
import {
  articleAnnouncement,
  connect,
  expectOk,
  freePort,
  missThenHit,
  next,
  publicRoom,
  sendMessage,
  waitFor,
} from '@capstone/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComposeStack } from '../drills/compose.ts';
import { DRILLS } from '../drills/drills.ts';
import { runDrill } from '../drills/run-drill.ts';
import { Gateway } from '../drills/traffic.ts';
import {
  ComposeProject,
  docker,
  engine,
  EventLog,
  inspect,
  memoryInUse,
  type RenderedCompose,
} from './support/docker.js';

/** The apps, their images (docker-compose.yml names them), and what each must not carry. */
const apps = {
  gateway: { image: 'capstone/gateway:local', foreign: ['argon2', 'mongoose', 'socket.io'] },
  auth: { image: 'capstone/auth:local', foreign: ['mongoose', 'socket.io', 'helmet'] },
  blog: { image: 'capstone/blog:local', foreign: ['argon2', 'mongoose', 'socket.io'] },
  chat: { image: 'capstone/chat:local', foreign: ['argon2', 'helmet', '@nestjs/swagger'] },
} as const;
const buildTools = ['typescript', 'nx', 'esbuild', '@swc/core', 'vitest', 'eslint'];

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

const MiB = 1024 ** 2;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One-shot services (the migrations): no health check, never restarted, expected to exit 0. */
const isOneShot = (service: RenderedCompose['services'][string]) =>
  service.healthcheck?.disable === true && (service.restart ?? 'no') === 'no';

describe('docker compose up, as a user runs it', () => {
  const project = new ComposeProject(`capstone-test-${Date.now().toString(36)}`, {});
  const figures: string[] = [];
  const sockets: Socket[] = [];
  let events: EventLog;
  let config: RenderedCompose;
  let gatewayUrl: string;
  let torndown = false;

  const url = (path: string) => `${gatewayUrl}${path}`;

  async function request(path: string, init: RequestInit = {}): Promise<Reply> {
    const response = await fetch(url(path), { ...init, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json');
    return {
      status: response.status,
      headers: response.headers,
      body: json ? JSON.parse(text) : text,
    };
  }

  const send = (path: string, method: string, body: unknown, token?: string) =>
    request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Token ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  /** What the stack printed, to explain a failure. */
  const logs = () => project.run(['logs', '--no-color', '--tail', '40']).catch(String);

  const longRunning = () =>
    Object.entries(config.services)
      .filter(([, service]) => !isOneShot(service))
      .map(([name]) => name);

  /** Waits until every long-running service passes its own health check again. */
  async function allHealthy(what: string): Promise<void> {
    await waitFor(
      async () => {
        const passing = await Promise.all(
          longRunning().map((name) =>
            project.passesHealthCheck(name, config.services[name]?.healthcheck?.test ?? []),
          ),
        );
        return passing.every(Boolean) ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, what },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await logs()}`);
    });
  }

  beforeAll(async () => {
    const status = await engine();
    if (!status.ok) {
      throw new Error(
        `the container tests need a Docker engine and the Compose plugin: ${status.why}`,
      );
    }
    const [gatewayPort, uiPort] = [await freePort(), await freePort()];
    Object.assign(project.env, {
      GATEWAY_PORT: String(gatewayPort),
      RABBITMQ_UI_PORT: String(uiPort),
    });
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    config = await project.config();

    let started = Date.now();
    await project.run(['build'], 30 * 60_000);
    figures.push(`docker compose build: ${seconds(Date.now() - started)}`);

    events = new EventLog(project.name);
    started = Date.now();
    await project
      .run(['up', '--detach', '--wait', '--wait-timeout', '300'], 6 * 60_000)
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await logs()}`);
      });
    figures.push(
      `docker compose up --wait, until every container is healthy: ${seconds(Date.now() - started)}`,
    );
  }, 40 * 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    events?.stop();
    if (!torndown)
      await project.run(['down', '--volumes', '--remove-orphans']).catch(() => undefined);
    console.log(`\nContainer suite figures (${project.name}):\n  ${figures.join('\n  ')}\n`);
  }, 120_000);

  it('starts each service only once what it depends on is healthy, or has exited 0', async () => {
    for (const [name, service] of Object.entries(config.services)) {
      const started = events.first(name, 'start');
      expect(started, `${name} started`).toBeDefined();
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const ready =
          condition === 'service_healthy'
            ? events.first(dependency, 'health_status: healthy')
            : condition === 'service_completed_successfully'
              ? events.first(dependency, 'die', '0')
              : events.first(dependency, 'start');
        expect(ready, `${dependency} (${condition}) before ${name}`).toBeDefined();
        expect(
          (ready ?? 0n) < (started ?? 0n),
          `${dependency} was ready before ${name} started`,
        ).toBe(true);
      }
    }
    for (const [name, service] of Object.entries(config.services)) {
      const state = await inspect(await project.containerOf(name));
      if (isOneShot(service)) expect(state, name).toMatchObject({ status: 'exited', exitCode: 0 });
      else expect(state, name).toMatchObject({ status: 'running', health: 'healthy' });
    }
  });

  it.each(Object.entries(apps))(
    'builds the %s image to run as uid 1000 with no compiler and only its own production dependencies',
    async (_name, app) => {
      const [details] = JSON.parse(await docker(['image', 'inspect', app.image])) as {
        Size: number;
        Config: { User: string };
      }[];
      expect(details?.Config.User).toBe('1000:1000');
      figures.push(`image ${app.image}: ${mib(details?.Size ?? 0)}`);
      const listing = await docker([
        'run',
        '--rm',
        '--entrypoint',
        'sh',
        app.image,
        '-c',
        'for tool in cc gcc g++ make python3; do command -v $tool; done; ls node_modules node_modules/@* | tr -d :',
      ]);
      const lines = listing.split('\n').map((line) => line.trim());
      expect(
        lines.filter((line) => line.startsWith('/')),
        'compilers in the image',
      ).toEqual([]);
      const packages = new Set(lines.map((line) => line.replace(/^node_modules\//, '')));
      for (const tool of [...buildTools, ...app.foreign])
        expect(packages.has(tool), tool).toBe(false);
    },
  );

  it('serves the web page under its content security policy, and the API documentation', async () => {
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await request('/docs')).status).toBe(200);
  });

  const account = {
    username: `ada${Date.now().toString(36)}`,
    email: `ada${Date.now().toString(36)}@example.com`,
    password: 'a long passphrase',
  };
  let token: string;
  let slug: string;
  let room: RoomView;
  let message: ChatMessageView;

  it('signs a user up (argon2 from its prebuilt binary), writes an article and reads it back, cached the second time', async () => {
    const signUp = await send('/api/users', 'POST', { user: account });
    expect(signUp.status, `${JSON.stringify(signUp.body)}\n${await logs()}`).toBe(201);
    token = (signUp.body as { user: { token: string } }).user.token;

    const written = await send(
      '/api/articles',
      'POST',
      {
        article: {
          title: 'Built and run in containers',
          description: 'd',
          body: 'b',
          tagList: ['compose'],
        },
      },
      token,
    );
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    slug = (written.body as { article: { slug: string } }).article.slug;

    const { miss, hit } = await missThenHit(() => request(`/api/articles/${slug}`));
    expect(miss.body).toMatchObject({ article: { slug } });
    expect(hit.body).toEqual(miss.body);
  });

  it('chats over Socket.IO through the gateway: a message is acknowledged, delivered and kept', async () => {
    const other = await send('/api/users', 'POST', {
      user: { ...account, username: `bob${account.username}`, email: `bob${account.email}` },
    });
    expect(other.status).toBe(201);
    const [ada, bob] = await Promise.all([
      connect(gatewayUrl, token),
      connect(gatewayUrl, (other.body as { user: { token: string } }).user.token),
    ]);
    sockets.push(ada, bob);
    room = await publicRoom(ada, `compose-${randomUUID().slice(0, 8)}`);
    await expectOk(ada, ChatSocket.joinRoom, { roomId: room.id });
    await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
    const delivered = next<ChatMessageView & { traceparent?: string }>(
      bob,
      ChatSocket.messageCreated,
    );
    message = await sendMessage(ada, room.id, 'hello from a container');
    // The broadcast also carries the trace context of the send (W3C traceparent).
    const { traceparent: _trace, ...broadcast } = await delivered;
    expect(broadcast).toEqual(message);
    for (const socket of sockets.splice(0)) socket.close();
  });

  /** What the user was told was saved is all still there. */
  async function expectNothingLost(): Promise<void> {
    const login = await send('/api/users/login', 'POST', {
      user: { email: account.email, password: account.password },
    });
    expect(login.status, `${JSON.stringify(login.body)}\n${await logs()}`).toBe(200);
    token = (login.body as { user: { token: string } }).user.token;
    const article = await request(`/api/articles/${slug}`);
    expect(article.status).toBe(200);
    expect(article.body).toMatchObject({ article: { slug, title: 'Built and run in containers' } });
    const history = await request(`/api/chat/rooms/${room.id}/messages`, {
      headers: { authorization: `Token ${token}` },
    });
    expect(history.status).toBe(200);
    expect((history.body as MessagePage).messages).toEqual([
      expect.objectContaining({ id: message.id, text: 'hello from a container' }),
    ]);
  }

  it('loses nothing acknowledged when the stores and the broker restart, and delivers what waited in the outbox', async () => {
    // Written just before the broker goes down: its article.created event may still be in the
    // blog's outbox, and must reach the chat's #articles room once RabbitMQ is back.
    const late = await send(
      '/api/articles',
      'POST',
      { article: { title: 'Written before a restart', description: 'd', body: 'b', tagList: [] } },
      token,
    );
    expect(late.status).toBe(201);
    const lateSlug = (late.body as { article: { slug: string } }).article.slug;

    const started = Date.now();
    await project.run(['restart', 'postgres', 'mongo', 'redis', 'rabbitmq'], 180_000);
    await allHealthy('every container to be healthy after the stores restarted');
    figures.push(
      `restart of the four stores until healthy again: ${seconds(Date.now() - started)}`,
    );

    await expectNothingLost();
    const authorized = { headers: { authorization: `Token ${token}` } };
    const announced = await waitFor(
      () => articleAnnouncement((path) => request(path, authorized), lateSlug),
      { timeoutMs: 60_000, intervalMs: 1_000, what: `the announcement of ${lateSlug}` },
    );
    expect(announced.text).toContain('Written before a restart');
  });

  it('loses nothing acknowledged when every app restarts', async () => {
    const started = Date.now();
    await project.run(['restart', 'auth', 'blog', 'chat', 'gateway'], 180_000);
    await allHealthy('every container to be healthy after the apps restarted');
    figures.push(`restart of the four apps until healthy again: ${seconds(Date.now() - started)}`);
    await expectNothingLost();
  });

  // The drills a learner runs with `npm run drill:<name>`, against this stack: each stops one
  // service in the middle of traffic and checks what a user would.
  it.each(DRILLS.map((drill) => [drill.name, drill] as const))(
    'fault drill %s: the apps that need it report not-ready, no request hangs, nothing acknowledged is lost, every event arrives once',
    async (_name, drill) => {
      const report: string[] = [];
      const result = await runDrill(drill, {
        stack: new ComposeStack(project.name),
        gateway: new Gateway(gatewayUrl),
        outageMs: 8_000,
        log: (line) => report.push(line),
      });
      figures.push(`drill ${drill.name}:\n    ${report.join('\n    ')}`);
      expect(
        result.checks.filter((check) => !check.ok),
        `${report.join('\n')}\n${await logs()}`,
      ).toEqual([]);
    },
    420_000,
  );

  it('keeps every container within its memory limit', async () => {
    const measured = await Promise.all(
      longRunning().map(async (name) => {
        const container = await project.containerOf(name);
        const [{ memoryLimit }, used] = await Promise.all([
          inspect(container),
          memoryInUse(container),
        ]);
        return { name, memoryLimit, used };
      }),
    );
    const rows: string[] = [];
    for (const { name, memoryLimit, used } of measured) {
      expect(memoryLimit, `${name} has a memory limit`).toBeGreaterThan(0);
      expect(used, `${name} uses ${mib(used)} of ${mib(memoryLimit)}`).toBeLessThan(memoryLimit);
      rows.push(`${name.padEnd(9)} ${mib(used).padStart(8)} of ${mib(memoryLimit)}`);
    }
    figures.push(`memory after the traffic and restarts:\n    ${rows.join('\n    ')}`);
  });

  it('docker compose down -v removes every container, volume and network of the stack', async () => {
    expect((await project.leftovers()).length).toBeGreaterThan(0);
    await project.run(['down', '--volumes', '--remove-orphans'], 180_000);
    torndown = true;
    expect(await project.leftovers()).toEqual([]);
  });
});
