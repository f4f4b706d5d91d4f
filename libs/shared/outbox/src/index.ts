export * from './create-outbox.migration.js';
export * from './outbox-message.entity.js';
export * from './outbox-relay.js';
export * from './outbox-transactions.js';
export * from './outbox-writer.js';
