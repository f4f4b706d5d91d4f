export * from './migrations/index.js';
export * from './outbox-message.entity.js';
export * from './outbox-metrics.js';
export * from './outbox-relay.js';
export * from './outbox-transactions.js';
export * from './outbox-writer.js';
