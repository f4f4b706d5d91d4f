export * from './infrastructure.js';
export * from './mongo.js';
export * from './network.js';
export * from './postgres.js';
export * from './rabbitmq.js';
export * from './redis.js';
export * from './socket-client.js';
export * from './wait-for.js';
