import { JsonLogger } from '@capstone/logging';
import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * Applies a service's pending migrations, each in its own transaction, and reports which: the
 * deploy step that runs before new pods start (a compose one-shot, a Kubernetes Job). A failure
 * is logged and ends the process with status 1, so the deployment stops there.
 */
export async function applyMigrations(
  service: string,
  options: () => DataSourceOptions,
): Promise<void> {
  const logger = new JsonLogger(service);
  try {
    const dataSource = await new DataSource({ ...options(), migrationsRun: false }).initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    logger.log(
      { msg: 'migrations applied', migrations: applied.map((migration) => migration.name) },
      'Migrate',
    );
    await dataSource.destroy();
  } catch (error) {
    logger.error(error instanceof Error ? error.message : String(error), 'Migrate');
    process.exit(1);
  }
}
