export * from './env-types.js';
export * from './load-config.js';
