import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Inject,
  Module,
  type DynamicModule,
  type INestApplication,
  type INestMicroservice,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { AUTH_QUEUE, AuthRpc, type ChatUser, type JsonWebKeySet } from '@capstone/contracts';
import { rpcServer } from '@capstone/messaging';
import {
  connect,
  createTestKeyspace,
  createTestMongoDatabase,
  createTestVhost,
  type TestKeyspace,
  type TestVhost,
} from '@capstone/testing';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { MongoClient, type Db } from 'mongodb';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startChatService } from '../../src/bootstrap.js';
import { loadChatConfig, type ChatConfig } from '../../src/chat.config.js';
import type { ChatClient } from './chat-client.js';

const JWKS = Symbol('JWKS');

/** Answers `auth.jwks` on the test's vhost as the auth service would: the real broker path. */
@Controller()
class JwksResponder {
  constructor(@Inject(JWKS) private readonly keys: JsonWebKeySet) {}

  @MessagePattern(AuthRpc.jwks.pattern)
  jwks(): JsonWebKeySet {
    return this.keys;
  }
}

@Module({})
class JwksResponderModule {
  static with(keys: JsonWebKeySet): DynamicModule {
    return {
      module: JwksResponderModule,
      controllers: [JwksResponder],
      providers: [{ provide: JWKS, useValue: keys }],
    };
  }
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

async function signingKey(): Promise<SigningKey & { jwk: JsonWebKeySet['keys'][number] }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const { kty = 'EC', ...publicJwk } = await exportJWK(publicKey);
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...publicJwk, kty, kid, alg: 'ES256', use: 'sig' } };
}

export interface TokenOptions {
  /** Seconds from now; negative for a token that has already expired. */
  readonly expiresIn?: number;
  /** Signed with a key the auth service never published. */
  readonly forged?: boolean;
}

/**
 * Everything one test file needs to run the chat for real: its own MongoDB database, RabbitMQ
 * vhost and Redis key prefix (dropped at the end), a signing key whose public half is served as
 * `auth.jwks` over the broker, and chat instances started with the production bootstrap.
 */
export interface ChatStack {
  readonly config: ChatConfig;
  /** The chat's MongoDB database, to look at what it stored. */
  db(): Db;
  readonly vhost: TestVhost;
  /** Starts one more chat instance on a free port, with `settings` changed; all of them share the stores. */
  start(settings?: Partial<ChatConfig>): Promise<INestApplication>;
  token(user: ChatUser, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

async function createChatStack(label: string): Promise<ChatStack> {
  const mongo = createTestMongoDatabase(`chat_${label}`);
  const keyspace: TestKeyspace = createTestKeyspace(`chat-${label}`);
  const vhost = await createTestVhost(`chat-${label}`);
  const [trusted, foreign] = await Promise.all([signingKey(), signingKey()]);
  const config: ChatConfig = {
    ...loadChatConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      MONGO_URL: mongo.url,
      REDIS_URL: keyspace.url,
      REDIS_KEY_PREFIX: keyspace.prefix,
      AMQP_URL: vhost.url,
    }),
    PORT: 0,
  };
  const responder: INestMicroservice = await NestFactory.createMicroservice(
    JwksResponderModule.with({ keys: [trusted.jwk] }),
    { ...rpcServer(vhost.url, AUTH_QUEUE), logger: false },
  );
  await responder.listen();
  const apps: INestApplication[] = [];
  const mongoClient = new MongoClient(mongo.url);

  return {
    config,
    vhost,
    db: () => mongoClient.db(),
    start: async (settings = {}) => {
      const app = await startChatService({ ...config, ...settings });
      apps.push(app);
      return app;
    },
    token: (user, { expiresIn = 900, forged = false } = {}) => {
      const key = forged ? foreign : trusted;
      const now = Math.floor(Date.now() / 1_000);
      return new SignJWT({ username: user.username, role: 'user', sid: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid })
        .setSubject(user.userId)
        .setIssuer(config.JWT_ISSUER)
        .setAudience(config.JWT_AUDIENCE)
        .setIssuedAt(now - 60)
        .setExpirationTime(now + expiresIn)
        .sign(key.privateKey);
    },
    close: async () => {
      for (const app of apps) await app.close();
      await responder.close();
      await mongoClient.close();
      await Promise.all([mongo.drop(), keyspace.drop(), vhost.drop()]);
    },
  };
}

/** The chat stack of a describe block, and the clients its tests connect. */
export interface ChatTestStack extends Omit<ChatStack, 'close'> {
  /** Connects as `user` with a token the stack signed; closed when the test ends. */
  client(port: number, user?: ChatUser, options?: TokenOptions): Promise<ChatClient>;
  /** Closes a socket made some other way when the test ends. */
  track<T extends Socket>(socket: T): T;
}

/**
 * The chat stack of the enclosing describe block: made before its tests, closed after them. The
 * handle can be kept at once; it reaches the stack only when the tests run.
 */
export function useChatStack(label: string): ChatTestStack {
  let stack: ChatStack | undefined;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    stack = await createChatStack(label);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => stack?.close());
  const made = (): ChatStack => {
    if (!stack) throw new Error(`the ${label} chat stack is used outside its tests`);
    return stack;
  };
  const track = <T extends Socket>(socket: T): T => {
    sockets.push(socket);
    return socket;
  };
  return {
    get config() {
      return made().config;
    },
    db: () => made().db(),
    get vhost() {
      return made().vhost;
    },
    start: (settings) => made().start(settings),
    token: (user, options) => made().token(user, options),
    client: async (port, user = newUser(), options) =>
      Object.assign(track(await connect(port, await made().token(user, options))), { user }),
    track,
  };
}

export function portOf(app: INestApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}

let sequence = 0;

/** A user nobody else in the run has: a new id and a unique name. */
export function newUser(prefix = 'user'): ChatUser {
  sequence += 1;
  return {
    userId: randomUUID(),
    username: `${prefix}${sequence}${Math.random().toString(36).slice(2, 6)}`,
  };
}
