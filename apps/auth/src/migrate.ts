import 'reflect-metadata';
import { authDataSourceOptions, authMigrationConfigSchema } from '@capstone/auth-feature';
import { loadConfig } from '@capstone/config';
import { applyMigrations } from '@capstone/persistence';

await applyMigrations('auth', () =>
  authDataSourceOptions(loadConfig(authMigrationConfigSchema).DATABASE_URL, false),
);
