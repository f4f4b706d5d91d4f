export * from './access-token-verifier.js';
export * from './guards.js';
