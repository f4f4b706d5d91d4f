import { createLogger } from '@capstone/logging';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { errorCodeOf, errorMessage, reasonOf } from '@capstone/errors';
import { retryUntil, type DeployStep } from '@capstone/deploy-steps';

export interface DatabaseWait {
  /** How long to keep trying to reach the database before giving up. */
  readonly timeoutMs: number;
  /** The pause between two attempts. */
  readonly retryEveryMs: number;
  /** Told about each failed attempt that will be retried. */
  readonly onRetry?: (reason: string) => void;
}

/**
 * Failures that end once PostgreSQL has started: nothing listens yet, its name does not resolve
 * yet, it is still starting up (57P03), or its init scripts have not created the database yet
 * (3D000). Anything else (a wrong password, a failing migration) is final at once.
 */
const UNTIL_THE_SERVER_IS_UP = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  '57P03',
  '3D000',
]);

const untilTheServerIsUp = (error: unknown) => UNTIL_THE_SERVER_IS_UP.has(errorCodeOf(error) ?? '');

/** `postgres:5432/auth` for a connection URL: where, without the credentials. */
function describeTarget(options: DataSourceOptions): string {
  const url = 'url' in options ? options.url : undefined;
  if (!url) return 'the database';
  const { host, pathname } = new URL(url);
  return `${host}${pathname}`;
}

function connectWithin(options: DataSourceOptions, wait: DatabaseWait): Promise<DataSource> {
  return retryUntil(() => new DataSource(options).initialize(), {
    timedOut: `${describeTarget(options)} did not answer`,
    timeoutMs: wait.timeoutMs,
    retryEveryMs: wait.retryEveryMs,
    isTransient: untilTheServerIsUp,
    onRetry: (error) => wait.onRetry?.(reasonOf(error)),
  });
}

/**
 * Applies a database's pending migrations, each in its own transaction, once the database
 * answers (waiting at most `wait.timeoutMs`), and returns the names of those it applied.
 */
export async function migrateDatabase(
  options: DataSourceOptions,
  wait: DatabaseWait,
): Promise<string[]> {
  const dataSource = await connectWithin({ ...options, migrationsRun: false }, wait);
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The `migrate` command of a service: the deploy step that runs before its processes start (a
 * compose one-shot, a Kubernetes Job). It waits up to a minute for PostgreSQL, which may still be
 * starting beside it, and says so; a failure is logged and ends the process with status 1, so
 * the deployment stops there.
 */
export async function applyMigrations(
  service: string,
  options: () => DataSourceOptions,
): Promise<void> {
  const logger = createLogger(service);
  try {
    const resolved = options();
    const migrations = await migrateDatabase(resolved, {
      timeoutMs: 60_000,
      retryEveryMs: 2_000,
      onRetry: (reason) =>
        logger.warn({ database: describeTarget(resolved), reason }, 'waiting for the database'),
    });
    logger.info({ migrations }, 'migrations applied');
  } catch (error) {
    logger.error(errorMessage(error));
    process.exit(1);
  }
}

/** The names TypeORM records applied migrations under: the `name` field, else the class name. */
function migrationName(migration: DataSource['migrations'][number]): string {
  return migration.name ?? migration.constructor.name;
}

/** The migrations the database has recorded as applied; none before its first migration. */
async function appliedMigrations(dataSource: DataSource): Promise<Set<string>> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  try {
    const rows: { name: string }[] = await dataSource.query(
      `SELECT name FROM ${dataSource.driver.escape(table)}`,
    );
    return new Set(rows.map((row) => row.name));
  } catch (error) {
    // 42P01: no such table, so nothing applied yet.
    if (errorCodeOf(error) === '42P01') return new Set();
    throw error;
  }
}

/**
 * A service's migrations as a deploy step its pods wait for (`runDeployGate`): pending while the
 * database does not answer, or has not recorded a migration the code (`options.migrations`)
 * brings. It only reads: the migrate step applies them.
 */
export function migrationsApplied(options: DataSourceOptions): DeployStep {
  const target = describeTarget(options);
  return {
    pending: async () => {
      let dataSource: DataSource;
      try {
        dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
      } catch (error) {
        if (untilTheServerIsUp(error)) return [`${target} does not answer: ${reasonOf(error)}`];
        throw error;
      }
      try {
        const applied = await appliedMigrations(dataSource);
        return dataSource.migrations
          .map(migrationName)
          .filter((name) => !applied.has(name))
          .map((name) => `migration ${name} on ${target}`);
      } finally {
        await dataSource.destroy();
      }
    },
  };
}
