import { CreateOutbox1764000000000 } from './1764000000000-create-outbox.js';
import { AddOutboxTraceContext1766000000000 } from './1766000000000-add-outbox-trace-context.js';
import { OutboxClaimsAndPurge1767000000000 } from './1767000000000-outbox-claims-and-purge.js';

/**
 * The outbox table's migrations, for a service's data source beside its own. TypeORM runs all of
 * them in the order of their timestamps, so the outbox's and the service's interleave as written.
 */
export const outboxMigrations = [
  CreateOutbox1764000000000,
  AddOutboxTraceContext1766000000000,
  OutboxClaimsAndPurge1767000000000,
];
