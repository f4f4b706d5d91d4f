export * from './error-message.js';
export * from './service-error.js';
