export * from './managed-redis.js';
export * from './rate-limit.js';
