export * from './managed-redis.js';
export * from './revoked-session-store.js';
