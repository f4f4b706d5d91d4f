export * from './account-rules.js';
export * from './auth.contracts.js';
export * from './blog.contracts.js';
export * from './chat.contracts.js';
export * from './events.js';
export * from './rpc.js';
export * from './schema/fields.js';
export * from './schema/validate.js';
