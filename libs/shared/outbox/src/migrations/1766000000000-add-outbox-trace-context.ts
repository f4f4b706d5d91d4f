import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context of the transaction that wrote an event, so that the relay publishes the
 * event inside the writer's trace and its consumers join it, however long it waited.
 */
export class AddOutboxTraceContext1766000000000 implements MigrationInterface {
  name = 'AddOutboxTraceContext1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN trace_context jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN trace_context`);
  }
}
