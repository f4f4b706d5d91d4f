export * from './bootstrap.js';
export * from './gateway.config.js';
export * from './gateway.module.js';
export { AUTH_SERVICE, BLOG_SERVICE, CHAT_SERVICE } from './broker/broker.module.js';
