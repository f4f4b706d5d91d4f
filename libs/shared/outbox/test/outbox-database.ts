import { DataSource } from 'typeorm';
import { OutboxMessage, outboxMigrations } from '../src/index.js';

/** A connection to a test database whose outbox table is migrated, as a service's would be. */
export async function openOutboxDatabase(url: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [OutboxMessage],
    migrations: outboxMigrations,
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}
