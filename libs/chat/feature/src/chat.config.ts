import {
  accessTokenSettings,
  brokerRequestSettings,
  env,
  loadConfig,
  redisSettings,
  serviceSettings,
} from '@capstone/config';
import { z } from 'zod';

export const chatConfigSchema = z.object({
  /** Socket.IO (`/socket.io`) and the health probes share this HTTP listener. */
  ...serviceSettings(3003),
  MONGO_URL: env.url(['mongodb', 'mongodb+srv'], 'mongodb://127.0.0.1:27017/chat'),
  /** The Socket.IO adapter, presence and rate limits; every instance must use the same Redis. */
  ...redisSettings('capstone:chat:'),
  /** How long to wait for the auth service's public keys before refusing a connection. */
  ...brokerRequestSettings,
  ...accessTokenSettings,
});

export type ChatConfig = z.infer<typeof chatConfigSchema>;

export function loadChatConfig(environment: NodeJS.ProcessEnv = process.env): ChatConfig {
  return loadConfig(chatConfigSchema, environment);
}

export const CHAT_CONFIG = Symbol('CHAT_CONFIG');
