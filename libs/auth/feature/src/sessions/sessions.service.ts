import { Inject, Injectable } from '@nestjs/common';
import {
  AuthEvents,
  type ClientInfo,
  type IssuedTokens,
  type SessionView,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxTransactions, recordEvent } from '@capstone/outbox';
import { DataSource, IsNull, MoreThan, Not, type EntityManager } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config.js';
import { SessionEntity } from '../persistence/session.entity.js';
import type { UserEntity } from '../persistence/user.entity.js';
import { AccessTokenIssuer } from '../tokens/access-token.issuer.js';
import {
  formatRefreshToken,
  hashRefreshSecret,
  newRefreshSecret,
} from '../tokens/refresh-token.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Sessions and their tokens: start, list, revoke one or all others. Refreshing is `SessionRefresh`'s. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: OutboxTransactions,
    private readonly accessTokens: AccessTokenIssuer,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Opens a session inside the caller's transaction (sign-up and login: the password was just given). */
  async start(manager: EntityManager, user: UserEntity, client: ClientInfo): Promise<IssuedTokens> {
    const secret = newRefreshSecret();
    const now = new Date();
    const session = await manager.save(
      manager.create(SessionEntity, {
        userId: user.id,
        refreshTokenHash: hashRefreshSecret(secret),
        previousRefreshTokenHash: null,
        rotatedAt: null,
        authenticatedAt: now,
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

  /**
   * Ends every live session of the user but `keepSessionId`, announcing each, inside the
   * caller's transaction: after a password or email change, and on "sign out everywhere else".
   */
  async revokeOthers(
    manager: EntityManager,
    userId: string,
    keepSessionId: string,
    reason: string,
  ): Promise<number> {
    const others = await manager.find(SessionEntity, {
      where: {
        userId,
        id: Not(keepSessionId),
        revokedAt: IsNull(),
        expiresAt: MoreThan(new Date()),
      },
      lock: { mode: 'pessimistic_write' },
    });
    for (const session of others) await this.markRevoked(manager, session, reason);
    return others.length;
  }

  /** "Sign out everywhere else": every live session of the user but the one asking. */
  signOutElsewhere(userId: string, sessionId: string): Promise<number> {
    return this.transactions.run((manager) =>
      this.revokeOthers(manager, userId, sessionId, 'signed out elsewhere'),
    );
  }

  /** Whether the session's holder gave the password within the last `SUDO_MODE_MINUTES`. */
  async recentlyAuthenticated(userId: string, sessionId: string): Promise<boolean> {
    const since = new Date(Date.now() - this.config.SUDO_MODE_MINUTES * 60_000);
    return this.dataSource
      .getRepository(SessionEntity)
      .existsBy({ id: sessionId, userId, revokedAt: IsNull(), authenticatedAt: MoreThan(since) });
  }

  /** The holder just gave the password again: the sudo window starts anew. */
  async markAuthenticated(manager: EntityManager, sessionId: string): Promise<void> {
    await manager.update(SessionEntity, sessionId, { authenticatedAt: new Date() });
  }

  /** Ends a session and announces it, so that verifiers refuse its access tokens before they expire. */
  async markRevoked(manager: EntityManager, session: SessionEntity, reason: string): Promise<void> {
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

  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS);
  }

  async tokensFor(user: UserEntity, sessionId: string, secret: string): Promise<IssuedTokens> {
    const accessToken = await this.accessTokens.issue({
      sub: user.id,
      username: user.username,
      role: user.role,
      sid: sessionId,
    });
    return { accessToken, refreshToken: formatRefreshToken({ sessionId, secret }), sessionId };
  }
}
