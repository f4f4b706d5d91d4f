import {
  accessTokenSettings,
  brokerRequestSettings,
  env,
  eventConsumerSettings,
  loadConfig,
  redisSettings,
  serviceSettings,
} from '@capstone/config';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  ...serviceSettings(3000),
  /** Prometheus's `/metrics`, on a port of its own that the public one does not serve. */
  METRICS_PORT: env.port(9464),
  /** The Redis of security state (revoked sessions, rate limits), which must never evict. */
  ...redisSettings('capstone:gateway:'),
  /** The response cache's Redis, which may evict; unset, the cache shares `REDIS_URL`. */
  CACHE_REDIS_URL: env.url(['redis', 'rediss']).optional(),
  /** Where Socket.IO connections to `/socket.io` are forwarded: the chat service (or its Service). */
  CHAT_URL: env.url(['http', 'https'], 'http://127.0.0.1:3003'),
  /** The demo web page's files, served at `/`; relative paths start at the working directory. */
  WEB_ROOT: z.string().default('apps/web/public'),
  /** A broker request that takes longer is answered with 504. */
  ...brokerRequestSettings,
  /** How the `gateway.events` consumer retries a failing event before dead-lettering it. */
  ...eventConsumerSettings,
  /** Larger request bodies are refused with 413 before they are parsed. */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 100kb')
    .default('100kb'),
  /** Origins allowed to call the API from a browser; `*` allows any. */
  CORS_ORIGINS: env.csv('*'),
  /**
   * The proxies in front of the gateway (ingress, load balancer) whose X-Forwarded-For gives the
   * client's address: a hop count or their addresses; none by default.
   */
  TRUST_PROXY: env.trustedProxies(),
  ...accessTokenSettings,
  /** How long a cached blog response may be served; writes and events invalidate sooner. */
  CACHE_TTL_SECONDS: env.positiveInt(60),
  /**
   * How long a sign-up or profile change waits for the blog and the chat to apply the new profile
   * before it is answered anyway (their user events apply it a moment later).
   */
  PROFILE_SYNC_TIMEOUT_MS: env.positiveInt(1_000),
  LOGIN_WINDOW_SECONDS: env.positiveInt(900),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: env.positiveInt(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: env.positiveInt(20),
  /** Requests per window (`<requests>/<seconds>`) for what costs the services or changes data. */
  RATE_LIMIT_SIGN_UPS_PER_ADDRESS: env.rate('20/3600'),
  RATE_LIMIT_REFRESHES_PER_ADDRESS: env.rate('120/60'),
  RATE_LIMIT_PROFILE_CHANGES_PER_ACCOUNT: env.rate('10/600'),
  RATE_LIMIT_WRITES_PER_ACCOUNT: env.rate('60/60'),
  /** Writes and profile changes from one address, over all its accounts (a household, an office). */
  RATE_LIMIT_WRITES_PER_ADDRESS: env.rate('300/60'),
  /** From addresses the account never signed in from; its owner's usual address is not held up. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE: env.positiveInt(50),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
