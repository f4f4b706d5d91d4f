export * from './start-telemetry.js';
export * from './request-routes.js';
