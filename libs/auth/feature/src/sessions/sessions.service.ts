import { Inject, Injectable } from '@nestjs/common';
import {
  AuthEvents,
  type ClientInfo,
  type IssuedTokens,
  type SessionView,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxTransactions, recordEvent } from '@capstone/outbox';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config.js';
import { SessionEntity } from '../persistence/session.entity.js';
import { UserEntity } from '../persistence/user.entity.js';
import { AccessTokenIssuer } from '../tokens/access-token.issuer.js';
import {
  formatRefreshToken,
  hashRefreshSecret,
  newRefreshSecret,
  parseRefreshToken,
  refreshSecretMatches,
} from '../tokens/refresh-token.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type RefreshOutcome =
  | {
      readonly kind: 'rotated';
      readonly user: UserEntity;
      readonly sessionId: string;
      readonly secret: string;
    }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'reused' };

/** Sessions and their tokens: start, rotate on refresh, list, revoke. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: OutboxTransactions,
    private readonly accessTokens: AccessTokenIssuer,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Opens a session inside the caller's transaction (sign-up and login). */
  async start(manager: EntityManager, user: UserEntity, client: ClientInfo): Promise<IssuedTokens> {
    const secret = newRefreshSecret();
    const now = new Date();
    const session = await manager.save(
      manager.create(SessionEntity, {
        userId: user.id,
        refreshTokenHash: hashRefreshSecret(secret),
        lastUsedAt: now,
        expiresAt: this.expiryFrom(now),
        revokedAt: null,
        revokedReason: null,
        ip: client.ip,
        userAgent: client.userAgent,
      }),
    );
    return this.tokensFor(user, session.id, secret);
  }

  /**
   * Trades a refresh token for a new pair. The presented token must be the session's current one;
   * an older one means it was copied, so the whole session is revoked and its holder must sign in.
   */
  async refresh(
    refreshToken: string,
    client: ClientInfo,
  ): Promise<{ user: UserEntity; tokens: IssuedTokens }> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) throw new ServiceError(401, { refreshToken: ['is invalid'] });

    const outcome = await this.transactions.run(async (manager): Promise<RefreshOutcome> => {
      const session = await manager.findOne(SessionEntity, {
        where: { id: parsed.sessionId },
        lock: { mode: 'pessimistic_write' },
      });
      const now = new Date();
      if (!session || session.revokedAt || session.expiresAt <= now) return { kind: 'rejected' };
      if (!refreshSecretMatches(parsed.secret, session.refreshTokenHash)) {
        await this.markRevoked(manager, session, 'refresh token reused');
        return { kind: 'reused' };
      }
      const secret = newRefreshSecret();
      await manager.update(SessionEntity, session.id, {
        refreshTokenHash: hashRefreshSecret(secret),
        lastUsedAt: now,
        expiresAt: this.expiryFrom(now),
        ip: client.ip ?? session.ip,
        userAgent: client.userAgent ?? session.userAgent,
      });
      const user = await manager.findOneByOrFail(UserEntity, { id: session.userId });
      return { kind: 'rotated', user, sessionId: session.id, secret };
    });

    if (outcome.kind === 'reused') {
      throw new ServiceError(401, {
        refreshToken: ['was already used; the session has been revoked'],
      });
    }
    if (outcome.kind === 'rejected')
      throw new ServiceError(401, { refreshToken: ['is invalid or expired'] });
    return {
      user: outcome.user,
      tokens: await this.tokensFor(outcome.user, outcome.sessionId, outcome.secret),
    };
  }

  async list(userId: string, currentSessionId: string): Promise<SessionView[]> {
    const sessions = await this.dataSource.getRepository(SessionEntity).find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { lastUsedAt: 'DESC' },
    });
    return sessions.map((session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      ip: session.ip,
      userAgent: session.userAgent,
      current: session.id === currentSessionId,
    }));
  }

  /** Revokes one of the user's own sessions; someone else's is reported as not found. */
  async revoke(userId: string, sessionId: string, reason: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const session = await manager.findOneBy(SessionEntity, { id: sessionId, userId });
      if (!session) throw ServiceError.notFound('session');
      if (!session.revokedAt) await this.markRevoked(manager, session, reason);
    });
  }

  /** Ends a session and announces it, so that verifiers refuse its access tokens before they expire. */
  private async markRevoked(
    manager: EntityManager,
    session: SessionEntity,
    reason: string,
  ): Promise<void> {
    await manager.update(SessionEntity, session.id, {
      revokedAt: new Date(),
      revokedReason: reason,
    });
    await recordEvent(manager, AuthEvents.sessionRevoked, {
      sessionId: session.id,
      userId: session.userId,
      reason,
    });
  }

  private expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS);
  }

  private async tokensFor(
    user: UserEntity,
    sessionId: string,
    secret: string,
  ): Promise<IssuedTokens> {
    const accessToken = await this.accessTokens.issue({
      sub: user.id,
      username: user.username,
      role: user.role,
      sid: sessionId,
    });
    return { accessToken, refreshToken: formatRefreshToken({ sessionId, secret }), sessionId };
  }
}
