import { env, loadConfig } from '@capstone/config';
import { z } from 'zod';

export const chatConfigSchema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  /** Socket.IO (`/socket.io`) and the health probes share this HTTP listener. */
  PORT: env.port(3003),
  MONGO_URL: env.url(['mongodb', 'mongodb+srv'], 'mongodb://127.0.0.1:27017/chat'),
  /** The Socket.IO adapter, presence and rate limits; every instance must use the same Redis. */
  REDIS_URL: env.url(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
  /** Every Redis key and adapter channel starts with this, so one Redis can serve several stacks. */
  REDIS_KEY_PREFIX: z.string().default('capstone:chat:'),
  AMQP_URL: env.url(['amqp', 'amqps'], 'amqp://guest:guest@127.0.0.1:5672'),
  /** How long to wait for the auth service's public keys before refusing a connection. */
  BROKER_TIMEOUT_MS: env.positiveInt(5_000),
  JWT_ISSUER: z.string().default('capstone-auth'),
  /** As the auth service's: how long a revoked session is remembered. */
  ACCESS_TOKEN_TTL_SECONDS: env.positiveInt(900),
  JWT_AUDIENCE: z.string().default('capstone'),
});

export type ChatConfig = z.infer<typeof chatConfigSchema>;

export function loadChatConfig(environment: NodeJS.ProcessEnv = process.env): ChatConfig {
  return loadConfig(chatConfigSchema, environment);
}

export const CHAT_CONFIG = Symbol('CHAT_CONFIG');
