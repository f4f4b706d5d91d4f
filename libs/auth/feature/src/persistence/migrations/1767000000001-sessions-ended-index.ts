import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a session ended: revoked, or else expired (`least` skips a null `revoked_at`). The hourly
 * purge of sessions ended long ago reads this index instead of every session ever opened.
 */
export class SessionsEndedIndex1767000000001 implements MigrationInterface {
  name = 'SessionsEndedIndex1767000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX sessions_ended_idx ON sessions (least(revoked_at, expires_at))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX sessions_ended_idx`);
  }
}
