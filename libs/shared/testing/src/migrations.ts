import { DataSource, type DataSourceOptions } from 'typeorm';
import { createTestDatabase } from './postgres.js';

/** What a service's migrations did to an empty database, forwards and then all the way back. */
export interface MigrationRoundTrip {
  /** The migrations the first run applied, in order. */
  readonly applied: string[];
  /** The tables they created (the migrations table aside). */
  readonly tables: string[];
  /** How many a second run applied: none, if they are recorded properly. */
  readonly appliedAgain: number;
  /** The tables left after every migration was undone. */
  readonly tablesAfterUndo: string[];
}

/** Runs a service's migrations on a fresh database, runs them again, then undoes them all. */
export async function migrateUpAndDown(
  label: string,
  options: (databaseUrl: string) => DataSourceOptions,
): Promise<MigrationRoundTrip> {
  const database = await createTestDatabase(label);
  const dataSource = await new DataSource(options(database.url)).initialize();
  const tables = async () =>
    (
      await dataSource.query<{ table_name: string }[]>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1",
      )
    ).map((row) => row.table_name);
  try {
    const applied = (await dataSource.runMigrations()).map((migration) => migration.name);
    const created = await tables();
    const appliedAgain = (await dataSource.runMigrations()).length;
    for (let undone = 0; undone < applied.length; undone += 1) {
      await dataSource.undoLastMigration();
    }
    return { applied, tables: created, appliedAgain, tablesAfterUndo: await tables() };
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}
