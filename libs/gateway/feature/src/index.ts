export * from './bootstrap.js';
export * from './gateway.config.js';
export * from './gateway.module.js';
