import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo, IssuedTokens } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxTransactions } from '@capstone/outbox';
import type { EntityManager } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config.js';
import { SessionEntity } from '../persistence/session.entity.js';
import { UserEntity } from '../persistence/user.entity.js';
import {
  hashRefreshSecret,
  parseRefreshToken,
  refreshSecretMatches,
  successorSecret,
  type RefreshToken,
} from '../tokens/refresh-token.js';
import { SigningKey } from '../tokens/signing-key.js';
import { SessionsService } from './sessions.service.js';

type Outcome =
  | { readonly kind: 'refreshed'; readonly user: UserEntity; readonly secret: string }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'reused' };

/**
 * Trades a refresh token for a new pair. The session's current token is replaced by its
 * successor. The token it replaced is honoured again for `REFRESH_REUSE_GRACE_SECONDS` and gets
 * the same successor (two tabs refreshing at once, a retry after a lost reply); presented later,
 * or any older token, it means the token was copied, and the whole session is revoked.
 */
@Injectable()
export class SessionRefresh {
  constructor(
    private readonly transactions: OutboxTransactions,
    private readonly sessions: SessionsService,
    private readonly signingKey: SigningKey,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async refresh(
    refreshToken: string,
    client: ClientInfo,
  ): Promise<{ user: UserEntity; tokens: IssuedTokens }> {
    const presented = parseRefreshToken(refreshToken);
    if (!presented) throw new ServiceError(401, { refreshToken: ['is invalid'] });

    const outcome = await this.transactions.run((manager) =>
      this.rotate(manager, presented, client),
    );
    if (outcome.kind === 'reused') {
      throw new ServiceError(401, {
        refreshToken: ['was already used; the session has been revoked'],
      });
    }
    if (outcome.kind === 'rejected') {
      throw new ServiceError(401, { refreshToken: ['is invalid or expired'] });
    }
    const tokens = await this.sessions.tokensFor(outcome.user, presented.sessionId, outcome.secret);
    return { user: outcome.user, tokens };
  }

  private async rotate(
    manager: EntityManager,
    presented: RefreshToken,
    client: ClientInfo,
  ): Promise<Outcome> {
    const session = await manager.findOne(SessionEntity, {
      where: { id: presented.sessionId },
      lock: { mode: 'pessimistic_write' },
    });
    const now = new Date();
    if (!session || session.revokedAt || session.expiresAt <= now) return { kind: 'rejected' };

    const successor = successorSecret(this.signingKey.refreshTokenKey, presented.secret);
    if (refreshSecretMatches(presented.secret, session.refreshTokenHash)) {
      await manager.update(SessionEntity, session.id, {
        refreshTokenHash: hashRefreshSecret(successor),
        previousRefreshTokenHash: session.refreshTokenHash,
        rotatedAt: now,
        lastUsedAt: now,
        expiresAt: this.sessions.expiryFrom(now),
        ip: client.ip ?? session.ip,
        userAgent: client.userAgent ?? session.userAgent,
      });
    } else if (!this.presentedAgainInGrace(session, presented.secret, successor, now)) {
      await this.sessions.markRevoked(manager, session, 'refresh token reused');
      return { kind: 'reused' };
    }
    const user = await manager.findOneByOrFail(UserEntity, { id: session.userId });
    return { kind: 'refreshed', user, secret: successor };
  }

  /** The token the session's current one replaced, within the grace, whose successor is current. */
  private presentedAgainInGrace(
    session: SessionEntity,
    secret: string,
    successor: string,
    now: Date,
  ): boolean {
    const graceEnds =
      (session.rotatedAt?.getTime() ?? 0) + this.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
    return (
      now.getTime() < graceEnds &&
      session.previousRefreshTokenHash !== null &&
      refreshSecretMatches(secret, session.previousRefreshTokenHash) &&
      refreshSecretMatches(successor, session.refreshTokenHash)
    );
  }
}
