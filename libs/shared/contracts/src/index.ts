export * from './auth.contracts.js';
export * from './events.js';
export * from './rpc.js';
