import { randomUUID } from 'node:crypto';
import { ChatSocket } from '@capstone/contracts';
import {
  connect,
  expectOk,
  OtlpReceiver,
  PrometheusServer,
  TestEventsExchange,
  type ReceivedSpan,
  type Sample,
} from '@capstone/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apps, type AppName } from './support/apps.js';
import { dashboardExpressions, metricNames } from './support/dashboard.js';
import { ProductionStack, request, type Reply } from './support/production-stack.js';

/** OTLP's span kinds. */
const SERVER = 2;
const CONSUMER = 5;

/** The database a span queried, by the attribute of either generation of the conventions. */
const databaseOf = (span: ReceivedSpan) =>
  span.attributes['db.system.name'] ?? span.attributes['db.system'];
const queryOf = (span: ReceivedSpan) =>
  String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? '');

/** The spans from `span` up to its trace's root, following parent ids among the spans received. */
function ancestry(span: ReceivedSpan, trace: readonly ReceivedSpan[]): ReceivedSpan[] {
  const chain = [span];
  for (let current = span; current.parentSpanId;) {
    const parent = trace.find((candidate) => candidate.spanId === current.parentSpanId);
    if (!parent) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/** Whether every span from `span` up to a root has arrived: the processes export on their own. */
const reachesRoot = (span: ReceivedSpan, trace: readonly ReceivedSpan[]) =>
  ancestry(span, trace).at(-1)?.parentSpanId === undefined;

/** The JSON lines a process printed. */
function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null
        ? [parsed as Record<string, unknown>]
        : [];
    } catch {
      return [];
    }
  });
}

describe('telemetry of the production builds: traces over OTLP, logs, and metrics scraped by Prometheus', () => {
  let receiver: OtlpReceiver;
  let stack: ProductionStack;
  let prometheus: PrometheusServer;
  let socket: Socket | undefined;
  let token: string;
  let signUpTrace: string;
  let articleTrace: string;
  let slug: string;

  /** Where Prometheus finds each app's /metrics: the health port, or the gateway's internal port. */
  const scrapeTarget = (app: AppName) =>
    `127.0.0.1:${app === 'gateway' ? stack.gatewayMetricsPort : stack.portOf(app)}`;

  const send = async (method: string, path: string, body?: unknown): Promise<Reply> =>
    request(stack.url('gateway', path), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Token ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    stack = await ProductionStack.prepare('telemetry');
    await stack.startAll(() => receiver.environment);
    prometheus = await PrometheusServer.start(
      Object.fromEntries(apps.map((app) => [app.name, [scrapeTarget(app.name)]])),
    );
  }, 300_000);

  afterAll(async () => {
    socket?.close();
    await prometheus?.stop();
    await stack?.stop();
    await receiver?.close();
  });

  it('traces one sign-up through the gateway into the auth service and its PostgreSQL insert, as one trace', async () => {
    const username = `otel${Date.now().toString(36)}`;
    const reply = await send('POST', '/api/users', {
      user: { username, email: `${username}@example.com`, password: 'a long passphrase' },
    });
    expect(reply.status, stack.describe()).toBe(201);
    token = (reply.body as { user: { token: string } }).user.token;
    // The request id the client gets back is the trace id: one id for logs and traces.
    signUpTrace = reply.headers.get('x-request-id') ?? '';
    expect(signUpTrace).toMatch(/^[0-9a-f]{32}$/);

    const trace = await receiver.waitFor('the sign-up trace, root and insert', (spans) => {
      const found = spans.filter((span) => span.traceId === signUpTrace);
      const insert = found.find(
        (span) =>
          span.service === 'auth' &&
          databaseOf(span) === 'postgresql' &&
          /INSERT INTO "users"/i.test(queryOf(span)),
      );
      const root = found.find((span) => span.parentSpanId === undefined);
      return insert && root && reachesRoot(insert, found) ? { found, insert, root } : undefined;
    });
    expect(trace.root).toMatchObject({ service: 'gateway', kind: SERVER });
    expect(trace.root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/users',
    });
    // Nest's controller method, as a span of its own inside the request's.
    const handler = trace.found.find((span) => span.name === 'UsersController.register');
    expect(handler).toMatchObject({ service: 'gateway', parentSpanId: trace.root.spanId });
    // The insert descends from the gateway's request: gateway → RabbitMQ → auth → PostgreSQL.
    const services = ancestry(trace.insert, trace.found).map((span) => span.service);
    expect(services.at(-1)).toBe('gateway');
    expect(new Set(services)).toEqual(new Set(['auth', 'gateway']));
    expect(trace.found.filter((span) => span.parentSpanId === undefined)).toHaveLength(1);
  });

  it("continues the article write's trace from the gateway into the blog, through the outbox, to the chat's handling of article.created", async () => {
    const reply = await send('POST', '/api/articles', {
      article: {
        title: 'Traced through the outbox',
        description: 'One trace',
        body: 'From HTTP to the chat.',
      },
    });
    expect(reply.status, stack.describe()).toBe(201);
    slug = (reply.body as { article: { slug: string } }).article.slug;
    articleTrace = reply.headers.get('x-request-id') ?? '';

    const trace = await receiver.waitFor(
      "the chat's announcement in the article's trace",
      (spans) => {
        const found = spans.filter((span) => span.traceId === articleTrace);
        // The chat announces the article in #articles: a MongoDB write inside the event's handling.
        const announcement = found.find(
          (span) => span.service === 'chat' && databaseOf(span) === 'mongodb',
        );
        return announcement && reachesRoot(announcement, found)
          ? { found, announcement }
          : undefined;
      },
    );
    const path = ancestry(trace.announcement, trace.found);
    expect(path.at(-1)).toMatchObject({
      service: 'gateway',
      kind: SERVER,
      parentSpanId: undefined,
    });
    const consumer = path.find((span) => span.service === 'chat' && span.kind === CONSUMER);
    expect(consumer, 'the chat consumed the event inside the trace').toBeDefined();
    expect(JSON.stringify(consumer?.attributes)).toContain('article.created');
    expect(path.some((span) => span.service === 'blog')).toBe(true);
    const blogInsert = trace.found.find(
      (span) => span.service === 'blog' && /INSERT INTO "outbox"/i.test(queryOf(span)),
    );
    expect(blogInsert, 'the outbox row was written in the same trace').toBeDefined();
  });

  it('puts the trace id of the request on the log lines of every service it reached', () => {
    for (const app of ['gateway', 'auth'] as const) {
      const lines = logLines(stack.output(app)).filter((line) => line['trace_id'] === signUpTrace);
      expect(lines.length, `${app}'s lines of the sign-up`).toBeGreaterThan(0);
      for (const line of lines) expect(line['span_id']).toMatch(/^[0-9a-f]{16}$/);
    }
    const access = logLines(stack.output('gateway')).find(
      (line) => line['trace_id'] === signUpTrace && line['msg'] === 'request',
    );
    expect(access).toMatchObject({
      req: { id: signUpTrace, method: 'POST', path: '/api/users' },
      res: { status: 201 },
    });
  });

  it('serves /metrics on the internal ports only: the public port of the gateway answers 404', async () => {
    expect((await request(stack.url('gateway', '/metrics'))).status).toBe(404);
    const internal = await request(`http://${scrapeTarget('gateway')}/metrics`);
    expect(internal.status).toBe(200);
    expect(String(internal.body)).toContain('target_info');
  });

  it('is scraped by Prometheus from every service: up == 1 for each', async () => {
    const up = await prometheus.waitForQuery(
      'up',
      (samples) => samples.length === apps.length && samples.every((sample) => sample.value === 1),
    );
    expect(up.map((sample) => sample.labels['job']).sort()).toEqual(
      apps.map((app) => app.name).sort(),
    );
  });

  it('gives the cache hit ratio after a few reads: one miss, then hits', async () => {
    token = '';
    for (let read = 0; read < 5; read += 1) {
      const reply = await send('GET', `/api/articles/${slug}`);
      expect(reply.headers.get('x-cache')).toBe(read === 0 ? 'MISS' : 'HIT');
    }
    const ratio = await prometheus.waitForQuery(
      'sum(capstone_cache_requests_total{cache_result="hit"}) / sum(capstone_cache_requests_total)',
      (samples) => samples[0]?.value === 0.8,
    );
    expect(ratio[0]?.value).toBe(0.8);
  });

  it('labels the requests the cache answers with their route, as it labels those the controllers answer', async () => {
    token = '';
    for (let read = 0; read < 3; read += 1) {
      const reply = await send('GET', '/api/articles?limit=7');
      expect(reply.headers.get('x-cache')).toBe(read === 0 ? 'MISS' : 'HIT');
    }
    // The hits are answered before any route matches; they must not fall in an unlabelled series.
    const requests = (route: string) =>
      `sum(http_server_request_duration_count{job="gateway",http_request_method="GET",http_route="${route}"})`;
    const bySlug = await prometheus.waitForQuery(
      requests('/api/articles/:slug'),
      (samples) => samples[0]?.value === 5,
    );
    expect(bySlug[0]?.value, 'one miss and four hits of the article').toBe(5);
    const lists = await prometheus.waitForQuery(
      requests('/api/articles'),
      (samples) => samples[0]?.value === 3,
    );
    expect(lists[0]?.value, 'one miss and two hits of the list').toBe(3);
  });

  it('has the metrics the dashboard shows, each from the service that records it', async () => {
    socket = await connect(stack.url('gateway', ''), (await signIn()).token);
    const expected: [string, AppName][] = [
      ['http_server_request_duration_count{http_route="/api/users"}', 'gateway'],
      [
        'rpc_client_call_duration_count{rpc_method="auth.register",rpc_response_status_code="200"}',
        'gateway',
      ],
      [
        'rpc_server_call_duration_count{rpc_method="auth.register",rpc_response_status_code="200"}',
        'auth',
      ],
      ['rpc_server_call_duration_count{rpc_method="blog.article.create"}', 'blog'],
      ['capstone_outbox_backlog', 'auth'],
      ['capstone_outbox_oldest_age', 'blog'],
      [
        'messaging_client_consumed_messages_total{messaging_destination_name="article.created"}',
        'chat',
      ],
      ['capstone_chat_connections', 'chat'],
      ['nodejs_eventloop_delay_p99', 'gateway'],
      ['v8js_memory_heap_used', 'chat'],
    ];
    for (const [series, job] of expected) {
      const selector = series.includes('{')
        ? series.replace('{', `{job="${job}",`)
        : `${series}{job="${job}"}`;
      const found: Sample[] = await prometheus.waitForQuery(
        selector,
        (samples) => samples.length > 0,
      );
      expect(found.length, selector).toBeGreaterThan(0);
    }
    const connections = await prometheus.waitForQuery(
      'sum(capstone_chat_connections)',
      (samples) => samples[0]?.value === 1,
    );
    expect(connections[0]?.value).toBe(1);
  });

  it("has every series the Grafana dashboard draws, except RabbitMQ's own exporter's", async () => {
    // One socket message, so that the chat has counted one.
    if (!socket) throw new Error('the previous test connects a socket');
    await expectOk(socket, ChatSocket.createRoom, { name: 'telemetry', kind: 'public' });
    // An event the blog fails on (a version past its integer column), retried, and one that is
    // malformed, dead-lettered at once: the retry and dead-letter counters then have a series.
    const exchange = await TestEventsExchange.connect(stack.stores['rabbitmq'] ?? '');
    exchange.publish('user.updated', {
      userId: randomUUID(),
      email: 'poison@example.com',
      username: 'poison',
      bio: null,
      image: null,
      version: 3_000_000_000,
    });
    exchange.publish('user.updated', { malformed: true });
    await exchange.close();
    const names = new Set(
      dashboardExpressions()
        .flatMap(metricNames)
        .filter((name) => !name.startsWith('rabbitmq_')),
    );
    expect(names.size).toBeGreaterThanOrEqual(10);
    for (const name of names) {
      const found = await prometheus.waitForQuery(
        `count({__name__="${name}"})`,
        (samples) => (samples[0]?.value ?? 0) > 0,
      );
      expect(found[0]?.value, name).toBeGreaterThan(0);
    }
  });

  async function signIn(): Promise<{ token: string }> {
    const username = `otelchat${Date.now().toString(36)}`;
    const reply = await send('POST', '/api/users', {
      user: { username, email: `${username}@example.com`, password: 'a long passphrase' },
    });
    return (reply.body as { user: { token: string } }).user;
  }
});
