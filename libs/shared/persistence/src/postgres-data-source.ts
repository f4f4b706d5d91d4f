import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';

/** What makes a service's database its own: its tables and the migrations that build them. */
export type PostgresSchema = Required<Pick<DataSourceOptions, 'entities' | 'migrations'>>;

/**
 * TypeORM's options for a service's own PostgreSQL database. The schema changes only through
 * migrations, each applied in its own transaction; `synchronize` is never on. The `pg` driver is
 * passed in rather than left for TypeORM to load by name, so that the bundles' dependency lists
 * (and readers) see it.
 */
export function postgresDataSourceOptions(
  databaseUrl: string,
  schema: PostgresSchema,
  migrationsRun: boolean,
): DataSourceOptions {
  return {
    type: 'postgres',
    driver: pg,
    url: databaseUrl,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsRun,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 5_000 },
  };
}
