export * from './access-token-verifier.js';
export * from './guards.js';
export * from './access-token-verifier.provider.js';
export * from './jwks-cache.js';
export * from './session-revocations.js';
