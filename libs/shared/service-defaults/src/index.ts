export * from './service-defaults.module.js';
export * from './service-definition.js';
export * from './start-service.js';
export * from './graceful-shutdown.js';
export * from './request-logging.js';
