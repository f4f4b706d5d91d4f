import { CreatedAtColumn, TimestampColumn } from '@capstone/persistence';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A signed-in device. Only a hash of its current refresh token is stored; every refresh replaces
 * it, so a token that no longer matches is a stolen or replayed one.
 */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'refresh_token_hash', type: 'text' })
  refreshTokenHash!: string;

  @CreatedAtColumn()
  createdAt!: Date;

  @TimestampColumn('last_used_at')
  lastUsedAt!: Date;

  @TimestampColumn('expires_at')
  expiresAt!: Date;

  /** When the holder last gave the password (sign-up, login, or `currentPassword`); a refresh keeps it. */
  @TimestampColumn('authenticated_at')
  authenticatedAt!: Date;

  /** The refresh token this one replaced, honoured once more for a short grace after `rotatedAt`. */
  @Column({ name: 'previous_refresh_token_hash', type: 'text', nullable: true })
  previousRefreshTokenHash!: string | null;

  @TimestampColumn('rotated_at', { nullable: true })
  rotatedAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;
}
