import { loadGatewayConfig, startGateway } from '@capstone/gateway-feature';
import {
  createTestKeyspace,
  createTestVhost,
  freePort,
  TcpProxy,
  testInfrastructure,
  waitFor,
} from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, newAccount, signUp, startStack, type Stack } from './support/stack.js';

describe('the gateway edge', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('edge');
  });

  afterAll(() => stack?.stop());

  it('answers malformed JSON with 400', async () => {
    const response = await stack.api.request('POST', '/api/users', {
      rawBody: '{"user": {"email": ',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ errors: { body: ['is not valid JSON'] } });
  });

  it('answers a body over the limit with 413 without parsing it', async () => {
    const response = await stack.api.request('POST', '/api/users', {
      body: { user: { ...newAccount(), bio: 'x'.repeat(200 * 1024) } },
    });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ errors: { body: ['is larger than 100kb'] } });
  });

  it('answers an unknown route with 404 in the same error shape', async () => {
    const response = await stack.api.request('GET', '/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ errors: { request: ['no such route'] } });
  });

  // With telemetry on, the id is the request's trace id (the deploy tests' telemetry suite checks
  // that); here, without it, it is still one id per request.
  it('gives every response a request id of its own', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(
        async () => (await stack.api.request('GET', '/api/tags')).headers.get('x-request-id') ?? '',
      ),
    );
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('sets security headers and hides the framework', async () => {
    const response = await stack.api.request('GET', '/health/live');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('gives a cache hit the same security, CORS and request-id headers as any answer', async () => {
    const read = () =>
      stack.api.request('GET', '/api/tags', { headers: { origin: 'http://localhost:4200' } });
    await read();
    const hit = await waitFor(async () => {
      const response = await read();
      return response.headers.get('x-cache') === 'HIT' ? response : undefined;
    });
    expect(hit.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(hit.headers.get('x-content-type-options')).toBe('nosniff');
    expect(hit.headers.get('x-powered-by')).toBeNull();
    expect(hit.headers.get('access-control-allow-origin')).toBe('http://localhost:4200');
    expect(hit.headers.get('access-control-expose-headers')).toContain('X-Cache');
    expect(hit.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(hit.headers.get('content-length')).toBe(
      String(Buffer.byteLength(JSON.stringify(hit.body))),
    );
  });

  it('answers CORS preflight requests', async () => {
    const response = await stack.api.request('OPTIONS', '/api/user', {
      headers: {
        origin: 'http://localhost:4200',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:4200');
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('serves the OpenAPI documentation generated from the code', async () => {
    const page = await stack.api.request<string>('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui');
  });

  describe('the OpenAPI document, generated from the contracts’ schemas', () => {
    interface Operation {
      parameters?: { name: string; in: string; description?: string; schema?: object }[];
      requestBody?: { content: Record<string, { schema: { properties?: object } }> };
      responses: Record<string, { content?: Record<string, { schema: { properties?: object } }> }>;
    }
    let paths: Record<string, Record<string, Operation>>;

    beforeAll(async () => {
      paths = (await stack.api.request<{ paths: typeof paths }>('GET', '/docs-json')).body.paths;
    });

    // [method, path, success status, has a JSON body]: every route the gateway serves under /api.
    const routes: [string, string, number, boolean][] = [
      ['get', '/api/articles', 200, false],
      ['post', '/api/articles', 201, true],
      ['get', '/api/articles/feed', 200, false],
      ['get', '/api/articles/{slug}', 200, false],
      ['put', '/api/articles/{slug}', 200, true],
      ['delete', '/api/articles/{slug}', 204, false],
      ['post', '/api/articles/{slug}/favorite', 200, false],
      ['delete', '/api/articles/{slug}/favorite', 200, false],
      ['get', '/api/articles/{slug}/comments', 200, false],
      ['post', '/api/articles/{slug}/comments', 201, true],
      ['delete', '/api/articles/{slug}/comments/{id}', 204, false],
      ['get', '/api/profiles/{username}', 200, false],
      ['post', '/api/profiles/{username}/follow', 200, false],
      ['delete', '/api/profiles/{username}/follow', 200, false],
      ['get', '/api/tags', 200, false],
      ['post', '/api/users', 201, true],
      ['post', '/api/users/login', 200, true],
      ['get', '/api/user', 200, false],
      ['put', '/api/user', 200, true],
      ['post', '/api/auth/refresh', 200, true],
      ['post', '/api/auth/logout', 204, false],
      ['get', '/api/auth/sessions', 200, false],
      ['delete', '/api/auth/sessions', 200, false],
      ['delete', '/api/auth/sessions/{id}', 204, false],
      ['get', '/api/auth/jwks', 200, false],
      ['get', '/api/chat/rooms', 200, false],
      ['get', '/api/chat/rooms/{id}/messages', 200, false],
    ];

    it('lists every route under /api, and nothing else there', () => {
      const documented = Object.entries(paths)
        .filter(([path]) => path.startsWith('/api/'))
        .flatMap(([path, operations]) =>
          Object.keys(operations).map((method) => `${method} ${path}`),
        );
      expect(documented.sort()).toEqual(routes.map(([method, path]) => `${method} ${path}`).sort());
    });

    it.each(routes)(
      'describes %s %s: its answer %i and, if it takes one, its body',
      (method, path, status, hasBody) => {
        const operation = paths[path]?.[method];
        expect(operation, `${method} ${path}`).toBeDefined();
        const answer = operation?.responses[String(status)];
        expect(answer, `${method} ${path} answers ${status}`).toBeDefined();
        if (status !== 204) {
          expect(answer?.content?.['application/json']?.schema.properties).toBeDefined();
        }
        if (hasBody) {
          expect(
            operation?.requestBody?.content['application/json']?.schema.properties,
          ).toBeDefined();
        }
      },
    );

    it('documents the list filters and the page as query parameters with their limits', () => {
      const parameters = paths['/api/articles']?.['get']?.parameters ?? [];
      expect(
        parameters
          .filter((p) => p.in === 'query')
          .map((p) => p.name)
          .sort(),
      ).toEqual(['author', 'favorited', 'limit', 'offset', 'q', 'tag']);
      expect(parameters.find((p) => p.name === 'limit')?.schema).toMatchObject({
        minimum: 1,
        maximum: 100,
        default: 20,
      });
    });

    it('describes the list filters and gives examples of the bodies', () => {
      const parameters = paths['/api/articles']?.['get']?.parameters ?? [];
      expect(parameters.find((p) => p.name === 'favorited')).toMatchObject({
        in: 'query',
        description: 'Only articles this username favorited',
        schema: { type: 'string' },
      });
      const bodyOf = (path: string) =>
        paths[path]?.['post']?.requestBody?.content['application/json']?.schema;
      expect(bodyOf('/api/articles')).toMatchObject({
        properties: { article: { properties: { body: { example: 'You have to believe' } } } },
      });
      expect(bodyOf('/api/articles/{slug}/comments')).toMatchObject({
        properties: { comment: { properties: { body: { example: 'Thank you so much!' } } } },
      });
    });

    it('gives every path parameter its schema', () => {
      const inPath = Object.values(paths)
        .flatMap((operations) => Object.values(operations))
        .flatMap((operation) => operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'path');
      expect(inPath.map((parameter) => parameter.name)).toEqual(
        expect.arrayContaining(['slug', 'id', 'username']),
      );
      for (const parameter of inPath) {
        expect(parameter.schema, parameter.name).toMatchObject({ type: expect.any(String) });
      }
      const commentId = paths['/api/articles/{slug}/comments/{id}']?.['delete']?.parameters;
      expect(commentId?.find((parameter) => parameter.name === 'id')?.schema).toEqual({
        type: 'integer',
        minimum: 1,
        maximum: 2 ** 31 - 1,
      });
    });

    it('documents the sign-up body with its fields and limits', () => {
      const schema =
        paths['/api/users']?.['post']?.requestBody?.content['application/json']?.schema;
      expect(schema).toMatchObject({
        properties: {
          user: {
            properties: { password: { minLength: 8, maxLength: 128 } },
            required: ['username', 'email', 'password'],
          },
        },
      });
    });
  });

  // Bodies refuse fields they do not know; query strings too, on routes that read none.
  it('refuses query parameters a route does not read, with 422 naming each', async () => {
    const account = await signUp(stack.api);
    const refused = (name: string) => [422, { errors: { [name]: ['is not allowed'] } }];
    for (const path of ['/api/user?x=1', '/api/tags?x=1', '/api/auth/sessions?x=1']) {
      const response = await stack.api.request('GET', path, { token: account.token });
      expect([response.status, response.body], path).toEqual(refused('x'));
    }
    const login = await stack.api.request('POST', '/api/users/login?utm_source=mail', {
      body: { user: { email: account.email, password: account.password } },
    });
    expect([login.status, login.body]).toEqual(refused('utm_source'));
    const feed = await stack.api.request('GET', '/api/articles/feed?limit=5&sort=new', {
      token: account.token,
    });
    expect([feed.status, feed.body]).toEqual(refused('sort'));
  });

  it('serves the web page at / with a strict Content-Security-Policy', async () => {
    const page = await stack.api.request<string>('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('<title>Capstone chat</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await stack.api.request('GET', '/app.js')).status).toBe(200);
  });

  it('needs a token for the chat REST routes', async () => {
    const response = await stack.api.request('GET', '/api/chat/rooms');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ errors: { token: ['is missing'] } });
  });

  it('reports liveness, and readiness with each dependency', async () => {
    expect((await stack.api.request('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await stack.api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: {
        rabbitmq: { state: 'up' },
        redis: { state: 'up' },
        'redis-cache': { state: 'up' },
      },
    });
  });

  it('limits failed logins per account with 429 and Retry-After, in Redis', async () => {
    const account = await signUp(stack.api);
    const attempt = (password: string) =>
      stack.api.request('POST', '/api/users/login', {
        body: { user: { email: account.email, password } },
      });
    for (let i = 0; i < stack.gatewayConfig.LOGIN_MAX_FAILURES_PER_ACCOUNT; i += 1) {
      expect((await attempt('wrong password')).status).toBe(401);
    }
    const blocked = await attempt(account.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body).toEqual({
      errors: { login: ['too many failed attempts; try again later'] },
    });
  });
});

describe('the gateway when the broker or the service is not there', () => {
  /**
   * Starts a gateway, which listens before its broker consumer runs: `api` answers at once, and
   * `running` resolves once the consumer does (never while RabbitMQ is unreachable).
   */
  async function gatewayWith(amqpUrl: string, brokerTimeoutMs: number) {
    const keyspace = createTestKeyspace('broker-down');
    const port = await freePort();
    const running = startGateway({
      ...loadGatewayConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        AMQP_URL: amqpUrl,
        REDIS_URL: testInfrastructure.redisUrl,
        REDIS_KEY_PREFIX: keyspace.prefix,
      }),
      BROKER_TIMEOUT_MS: brokerTimeoutMs,
      PORT: port,
      METRICS_PORT: 0,
    });
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    await waitFor(() => api.request('GET', '/health/live').catch(() => undefined), {
      what: 'the gateway to listen',
    });
    return { api, running };
  }

  it('answers 504 within the broker timeout when no service consumes the request', async () => {
    const vhost = await createTestVhost('no-consumer');
    const { api, running } = await gatewayWith(vhost.url, 1_500);
    const gateway = await running;
    try {
      const startedAt = Date.now();
      const response = await api.request('POST', '/api/users', { body: { user: newAccount() } });
      expect(response.status).toBe(504);
      expect(response.body).toEqual({ errors: { auth: ['did not answer in time'] } });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      await gateway.close();
      await vhost.drop();
    }
  });

  it('answers 503 when RabbitMQ cannot be reached, and says so in readiness', async () => {
    const vhost = await createTestVhost('broker-down');
    const { hostname, port } = new URL(vhost.url);
    const broker = await TcpProxy.start({ host: hostname, port: Number(port || 5672) });
    await broker.cut();
    const { api, running } = await gatewayWith(broker.rewrite(vhost.url), 1_500);
    try {
      const response = await api.request('POST', '/api/users/login', {
        body: { user: { email: 'a@example.com', password: 'whatever password' } },
      });
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ errors: { auth: ['is unavailable'] } });
      const ready = await api.request('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        status: 'unavailable',
        checks: { rabbitmq: { state: 'down' } },
      });
    } finally {
      await broker.restore();
      await (await running).close();
      await broker.cut();
      await vhost.drop();
    }
  });
});
