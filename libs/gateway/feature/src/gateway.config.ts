import {
  accessTokenSettings,
  brokerRequestSettings,
  env,
  loadConfig,
  redisSettings,
  serviceSettings,
} from '@capstone/config';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  ...serviceSettings(3000),
  /** Prometheus's `/metrics`, on a port of its own that the public one does not serve. */
  METRICS_PORT: env.port(9464),
  ...redisSettings('capstone:gateway:'),
  /** Where Socket.IO connections to `/socket.io` are forwarded: the chat service (or its Service). */
  CHAT_URL: env.url(['http', 'https'], 'http://127.0.0.1:3003'),
  /** The demo web page's files, served at `/`; relative paths start at the working directory. */
  WEB_ROOT: z.string().default('apps/web/public'),
  /** A broker request that takes longer is answered with 504. */
  ...brokerRequestSettings,
  /** Larger request bodies are refused with 413 before they are parsed. */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 100kb')
    .default('100kb'),
  /** Origins allowed to call the API from a browser; `*` allows any. */
  CORS_ORIGINS: env.csv('*'),
  /** Set when behind a reverse proxy or ingress so that client addresses come from X-Forwarded-For. */
  TRUST_PROXY: env.flag().default(false),
  ...accessTokenSettings,
  /** How long a cached blog response may be served; writes and events invalidate sooner. */
  CACHE_TTL_SECONDS: env.positiveInt(60),
  LOGIN_WINDOW_SECONDS: env.positiveInt(900),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: env.positiveInt(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: env.positiveInt(20),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
