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

export const chatConfigSchema = z.object({
  /** Socket.IO (`/socket.io`) and the health probes share this HTTP listener. */
  ...serviceSettings(3003),
  MONGO_URL: env.url(['mongodb', 'mongodb+srv'], 'mongodb://127.0.0.1:27017/chat'),
  /** The Socket.IO adapter, presence and rate limits; every instance must use the same Redis. */
  ...redisSettings('capstone:chat:'),
  /** How long to wait for the auth service's public keys before refusing a connection. */
  ...brokerRequestSettings,
  /** How the `chat.events` consumer retries a failing event before dead-lettering it. */
  ...eventConsumerSettings,
  ...accessTokenSettings,
  /** Per user, across all their connections and every instance: `<events>/<seconds>`. */
  RATE_LIMIT_SENDS_PER_USER: env.rate('10/5'),
  RATE_LIMIT_TYPING_PER_USER: env.rate('20/10'),
  RATE_LIMIT_EDITS_PER_USER: env.rate('20/60'),
  RATE_LIMIT_DELETES_PER_USER: env.rate('20/60'),
  RATE_LIMIT_READS_PER_USER: env.rate('120/60'),
  RATE_LIMIT_JOINS_PER_USER: env.rate('30/60'),
  /** Each `direct:open` looks a username up: a tight limit keeps it from listing who has an account. */
  RATE_LIMIT_DIRECT_OPENS_PER_USER: env.rate('20/600'),
  /** Adding and removing members of private rooms; adding looks a username up. */
  RATE_LIMIT_MEMBER_CHANGES_PER_USER: env.rate('30/600'),
  /** Connections one user may hold at once, on all instances together. */
  SOCKETS_PER_USER_MAX: env.positiveInt(10),
  /**
   * Whether clients may use HTTP long-polling as well as WebSocket. Every polling request of a
   * session must reach the instance that holds it, so set `false` (WebSocket only, one connection
   * that stays on its instance) wherever several instances run behind a balancer without sticky
   * sessions, as in Kubernetes.
   */
  SOCKET_LONG_POLLING: env.flag().default(true),
});

export type ChatConfig = z.infer<typeof chatConfigSchema>;

export function loadChatConfig(environment: NodeJS.ProcessEnv = process.env): ChatConfig {
  return loadConfig(chatConfigSchema, environment);
}

export const CHAT_CONFIG = Symbol('CHAT_CONFIG');
