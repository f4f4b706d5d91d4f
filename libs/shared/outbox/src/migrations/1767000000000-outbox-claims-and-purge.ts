import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a relay needs to publish without holding a transaction, and to purge cheaply: when an event
 * may next be claimed (a claim's lease, or the back-off after RabbitMQ returned it), how often it
 * was returned, and an index on `published_at` for the purge of published rows.
 */
export class OutboxClaimsAndPurge1767000000000 implements MigrationInterface {
  name = 'OutboxClaimsAndPurge1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE outbox
        ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN returned_count integer NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_published_idx`);
    await queryRunner.query(`
      ALTER TABLE outbox
        DROP COLUMN next_attempt_at,
        DROP COLUMN returned_count`);
  }
}
