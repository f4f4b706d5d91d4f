export * from './managed-redis.js';
