export * from './deploy-gate.js';
export * from './retry-until.js';
