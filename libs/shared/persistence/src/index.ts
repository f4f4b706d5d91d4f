export * from './apply-migrations.js';
export * from './unique-violation.js';
