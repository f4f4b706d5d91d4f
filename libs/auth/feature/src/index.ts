export * from './auth-service.module.js';
export * from './auth.config.js';
export * from './bootstrap.js';
export * from './persistence/auth-data-source.js';
export * from './tokens/signing-key-file.js';
