import { OutboxMessage, outboxMigrations } from '@capstone/outbox';
import { postgresDataSourceOptions } from '@capstone/persistence';
import type { DataSourceOptions } from 'typeorm';
import { CreateAccounts1764000000001 } from './migrations/1764000000001-create-accounts.js';
import { SessionSecurity1766000000001 } from './migrations/1766000000001-session-security.js';
import { SessionsEndedIndex1767000000001 } from './migrations/1767000000001-sessions-ended-index.js';
import { SessionEntity } from './session.entity.js';
import { UserEntity } from './user.entity.js';

/** Everything TypeORM needs for the auth database. The schema changes only through these migrations. */
export function authDataSourceOptions(
  databaseUrl: string,
  migrationsRun: boolean,
): DataSourceOptions {
  return postgresDataSourceOptions(
    databaseUrl,
    {
      entities: [UserEntity, SessionEntity, OutboxMessage],
      migrations: [
        ...outboxMigrations,
        CreateAccounts1764000000001,
        SessionSecurity1766000000001,
        SessionsEndedIndex1767000000001,
      ],
    },
    migrationsRun,
  );
}
