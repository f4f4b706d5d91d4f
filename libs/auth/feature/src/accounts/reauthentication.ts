import { Injectable } from '@nestjs/common';
import type { UserChanges } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { UserEntity } from '../persistence/user.entity.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { PasswordHasher } from './password-hasher.js';

/** A change that hands the account to whoever makes it, and so asks for the password again. */
export type SensitiveChange = 'password' | 'email';

export function sensitiveChangeOf(user: UserEntity, changes: UserChanges): SensitiveChange | null {
  if (changes.password !== undefined) return 'password';
  if (changes.email !== undefined && changes.email.toLowerCase() !== user.email.toLowerCase()) {
    return 'email';
  }
  return null;
}

/**
 * Re-authentication for sensitive changes (ASVS V2.1.6), without breaking RealWorld front ends
 * that send only the new password: allowed when the session's holder gave the password within
 * the sudo window (signed up or logged in recently; a refresh keeps the time), or when the
 * request carries the right `currentPassword`, which opens the window again.
 */
@Injectable()
export class Reauthentication {
  constructor(
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordHasher,
  ) {}

  /** Returns whether `currentPassword` was given and right; throws 403 when the change is refused. */
  async confirm(
    user: UserEntity,
    sessionId: string,
    change: SensitiveChange,
    currentPassword: string | undefined,
  ): Promise<boolean> {
    if (currentPassword !== undefined) {
      if (await this.passwords.verify(user.passwordHash, currentPassword)) return true;
      throw new ServiceError(403, { currentPassword: ['is invalid'] });
    }
    if (await this.sessions.recentlyAuthenticated(user.id, sessionId)) return false;
    throw new ServiceError(403, { currentPassword: [`is required to change the ${change}`] });
  }
}
