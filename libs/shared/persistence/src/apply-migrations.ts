import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@capstone/logging';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { errorMessage } from '@capstone/errors';

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

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown[] };
  if (typeof code === 'string') return code;
  // Node reports a refused connection to every address of a name as one AggregateError.
  return Array.isArray(errors) ? codeOf(errors[0]) : undefined;
}

function reasonOf(error: unknown): string {
  const message = errorMessage(error);
  const code = codeOf(error);
  return message || code || 'unknown error';
}

/** `postgres:5432/auth` for a connection URL: where, without the credentials. */
function describeTarget(options: DataSourceOptions): string {
  const url = 'url' in options ? options.url : undefined;
  if (!url) return 'the database';
  const { host, pathname } = new URL(url);
  return `${host}${pathname}`;
}

async function connectWithin(options: DataSourceOptions, wait: DatabaseWait): Promise<DataSource> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    try {
      return await new DataSource(options).initialize();
    } catch (error) {
      const transient = UNTIL_THE_SERVER_IS_UP.has(codeOf(error) ?? '');
      if (!transient) throw error;
      if (Date.now() + wait.retryEveryMs > deadline) {
        throw new Error(
          `${describeTarget(options)} did not answer within ${Math.round(wait.timeoutMs / 1000)} s: ${reasonOf(error)}`,
          { cause: error },
        );
      }
      wait.onRetry?.(reasonOf(error));
      await sleep(wait.retryEveryMs);
    }
  }
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
