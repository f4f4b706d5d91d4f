import { AUTH_QUEUE, BLOG_QUEUE, CHAT_QUEUE } from '@capstone/contracts';
import { BrokerClientsModule } from '@capstone/messaging';
import { GATEWAY_CONFIG } from '../gateway.config.js';

/** Typed clients for the services' request queues. */
export const AUTH_SERVICE = Symbol('AUTH_SERVICE');
export const BLOG_SERVICE = Symbol('BLOG_SERVICE');
export const CHAT_SERVICE = Symbol('CHAT_SERVICE');

/** The services the gateway forwards to, one client each. */
export const BrokerModule = BrokerClientsModule.forRoot({
  configToken: GATEWAY_CONFIG,
  services: [
    { token: AUTH_SERVICE, name: 'auth', queue: AUTH_QUEUE },
    { token: BLOG_SERVICE, name: 'blog', queue: BLOG_QUEUE },
    { token: CHAT_SERVICE, name: 'chat', queue: CHAT_QUEUE },
  ],
});
