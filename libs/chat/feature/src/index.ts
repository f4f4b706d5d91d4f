export * from './bootstrap.js';
export * from './chat-service.module.js';
export * from './chat.config.js';
