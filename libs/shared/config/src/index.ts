export * from './env-types.js';
export * from './load-config.js';
export * from './shared-settings.js';
