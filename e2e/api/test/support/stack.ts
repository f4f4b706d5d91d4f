import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { loadAuthConfig, startAuthService, type AuthConfig } from '@capstone/auth-feature';
import { loadBlogConfig, startBlogService } from '@capstone/blog-feature';
import { loadChatConfig, startChatService } from '@capstone/chat-feature';
import { loadGatewayConfig, startGateway, type GatewayConfig } from '@capstone/gateway-feature';
import {
  createTestDatabase,
  createTestKeyspace,
  createTestMongoDatabase,
  freePort,
  createTestVhost,
  testInfrastructure,
  type TestDatabase,
  type TestKeyspace,
  type TestVhost,
} from '@capstone/testing';
import { exportPKCS8, generateKeyPair, type CryptoKey } from 'jose';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/** Talks HTTP to a running gateway the way any client would. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] ??= `Token ${options.token}`;
    const payload =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    const body = (
      text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text
    ) as T;
    return { status: response.status, headers: response.headers, body };
  }
}

export interface Stack {
  readonly api: ApiClient;
  readonly gateway: INestApplication;
  readonly auth: INestApplication;
  readonly blog: INestApplication;
  /** Started only when asked for (`{ chat: true }`): it needs MongoDB and takes longer. */
  readonly chat?: INestApplication;
  readonly authConfig: AuthConfig;
  readonly gatewayConfig: GatewayConfig;
  readonly vhost: TestVhost;
  readonly database: TestDatabase;
  readonly keyspace: TestKeyspace;
  /** The private key the auth service signs with, so tests can forge tokens it would have issued. */
  readonly signingKey: CryptoKey;
  stop(): Promise<void>;
}

function listeningUrl(app: INestApplication): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * Starts the auth and blog services and the gateway in this process on free ports, with their own
 * PostgreSQL databases, RabbitMQ virtual host and Redis key prefix.
 */
export async function startStack(
  label: string,
  overrides: { gateway?: Partial<GatewayConfig>; auth?: Partial<AuthConfig>; chat?: boolean } = {},
): Promise<Stack> {
  const [database, blogDatabase, vhost] = await Promise.all([
    createTestDatabase(label),
    createTestDatabase(`${label}_blog`),
    createTestVhost(label),
  ]);
  const keyspace = createTestKeyspace(label);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });

  const authConfig: AuthConfig = {
    ...loadAuthConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      AMQP_URL: vhost.url,
      JWT_PRIVATE_KEY: await exportPKCS8(privateKey),
    }),
    PORT: 0,
    ...overrides.auth,
  };
  const chatDatabase = overrides.chat ? createTestMongoDatabase(label) : undefined;
  const chatPort = await freePort();
  const gatewayConfig: GatewayConfig = {
    ...loadGatewayConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      AMQP_URL: vhost.url,
      REDIS_URL: testInfrastructure.redisUrl,
      REDIS_KEY_PREFIX: keyspace.prefix,
      BROKER_TIMEOUT_MS: '3000',
      // A test file is one client address that signs many people up and writes a lot: limits
      // of a real deployment would stop it. The rate-limit tests set small ones of their own.
      RATE_LIMIT_SIGN_UPS_PER_ADDRESS: '100000/3600',
      RATE_LIMIT_WRITES_PER_ADDRESS: '100000/60',
      RATE_LIMIT_WRITES_PER_ACCOUNT: '100000/60',
      RATE_LIMIT_PROFILE_CHANGES_PER_ACCOUNT: '100000/60',
      RATE_LIMIT_REFRESHES_PER_ADDRESS: '100000/60',
    }),
    PORT: 0,
    METRICS_PORT: 0,
    CHAT_URL: `http://127.0.0.1:${chatPort}`,
    // Without a chat nothing answers chat.user.apply: each sign-up would wait out the deadline.
    ...(overrides.chat ? {} : { PROFILE_SYNC_TIMEOUT_MS: 100 }),
    ...overrides.gateway,
  };
  const auth = await startAuthService(authConfig);
  const blog = await startBlogService({
    ...loadBlogConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: blogDatabase.url,
      AMQP_URL: vhost.url,
    }),
    PORT: 0,
  });
  const chat = chatDatabase
    ? await startChatService({
        ...loadChatConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          MONGO_URL: chatDatabase.url,
          REDIS_URL: testInfrastructure.redisUrl,
          REDIS_KEY_PREFIX: `${keyspace.prefix}chat:`,
          AMQP_URL: vhost.url,
        }),
        PORT: chatPort,
      })
    : undefined;
  const gateway = await startGateway(gatewayConfig);

  return {
    api: new ApiClient(listeningUrl(gateway)),
    gateway,
    auth,
    blog,
    ...(chat ? { chat } : {}),
    authConfig,
    gatewayConfig,
    vhost,
    database,
    keyspace,
    signingKey: privateKey,
    stop: async () => {
      await gateway.close();
      await Promise.all([auth.close(), blog.close(), chat?.close()]);
      await Promise.all([
        database.drop(),
        blogDatabase.drop(),
        chatDatabase?.drop(),
        vhost.drop(),
        keyspace.drop(),
      ]);
    },
  };
}

let counter = 0;

/** A new, valid account; unique within the run. */
export function newAccount(prefix = 'user') {
  counter += 1;
  const username = `${prefix}${counter}${Math.random().toString(36).slice(2, 7)}`;
  return { username, email: `${username}@example.com`, password: 'correct horse battery staple' };
}

export async function signUp(api: ApiClient, account = newAccount()) {
  const response = await api.request<{
    user: { token: string; refreshToken: string; username: string; email: string };
  }>('POST', '/api/users', { body: { user: account } });
  if (response.status !== 201)
    throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { ...account, ...response.body.user };
}
