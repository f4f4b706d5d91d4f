export * from './apply-migrations.js';
export * from './unique-violation.js';
export * from './postgres-data-source.js';
export * from './service-database.module.js';
export * from './timestamp-columns.js';
