export * from './start-telemetry.js';
