import { Inject, Injectable } from '@nestjs/common';
import { argon2id, hash as argon2Hash, verify as argon2Verify, type HashOptions } from 'argon2';
import pLimit, { type LimitFunction } from 'p-limit';
import { ServiceError } from '@capstone/errors';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config.js';

/**
 * argon2id password hashing with the configured cost. New hashes (sign-up, password change) run
 * a few at a time in a bounded queue: argon2 works on libuv's small thread pool, and without the
 * bound a flood of sign-ups would take every thread and make logins wait behind it. Logins verify
 * outside the queue. A full queue answers 503, which the client may retry.
 */
@Injectable()
export class PasswordHasher {
  private readonly options: HashOptions;
  private readonly hashing: LimitFunction;
  private readonly maxWaiting: number;
  /** Verified when the email is unknown, so that case costs as much time as a wrong password. */
  private decoy: Promise<string> | undefined;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.options = {
      type: argon2id,
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: 1,
    };
    this.hashing = pLimit(config.PASSWORD_HASHES_AT_ONCE);
    this.maxWaiting = config.PASSWORD_HASHES_WAITING;
  }

  hash(password: string): Promise<string> {
    if (this.hashing.pendingCount >= this.maxWaiting) {
      return Promise.reject(
        new ServiceError(503, { password: ['cannot be hashed now; try again in a moment'] }),
      );
    }
    return this.hashing(() => argon2Hash(password, this.options));
  }

  verify(storedHash: string, password: string): Promise<boolean> {
    return argon2Verify(storedHash, password);
  }

  /** Spends the time of one verification and always answers false. */
  async verifyNobody(password: string): Promise<false> {
    this.decoy ??= argon2Hash('decoy password that matches no account', this.options);
    await argon2Verify(await this.decoy, password);
    return false;
  }
}
