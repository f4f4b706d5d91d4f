export * from './blog-service.module.js';
export * from './blog.config.js';
export * from './bootstrap.js';
export * from './persistence/blog-data-source.js';
