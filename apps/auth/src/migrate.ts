import 'reflect-metadata';
import { authDataSourceOptions, loadAuthConfig } from '@capstone/auth-feature';
import { applyMigrations } from '@capstone/persistence';

await applyMigrations('auth', () => authDataSourceOptions(loadAuthConfig().DATABASE_URL, false));
