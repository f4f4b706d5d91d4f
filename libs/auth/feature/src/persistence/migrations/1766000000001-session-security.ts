import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a session needs for re-authentication and for a refresh retried in good faith: when its
 * holder last gave the password, and the refresh token it replaced with when.
 */
export class SessionSecurity1766000000001 implements MigrationInterface {
  name = 'SessionSecurity1766000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Existing sessions count as authenticated when they began: their sudo window has long passed.
    await queryRunner.query(`ALTER TABLE sessions ADD COLUMN authenticated_at timestamptz`);
    await queryRunner.query(`UPDATE sessions SET authenticated_at = created_at`);
    await queryRunner.query(`
      ALTER TABLE sessions
        ALTER COLUMN authenticated_at SET NOT NULL,
        ALTER COLUMN authenticated_at SET DEFAULT now(),
        ADD COLUMN previous_refresh_token_hash text,
        ADD COLUMN rotated_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE sessions
        DROP COLUMN authenticated_at,
        DROP COLUMN previous_refresh_token_hash,
        DROP COLUMN rotated_at`);
  }
}
