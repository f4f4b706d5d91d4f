import { Inject, Injectable } from '@nestjs/common';
import { argon2id, hash as argon2Hash, verify as argon2Verify, type HashOptions } from 'argon2';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config.js';

/** argon2id password hashing with the configured cost. */
@Injectable()
export class PasswordHasher {
  private readonly options: HashOptions;
  /** Verified when the email is unknown, so that case costs as much time as a wrong password. */
  private decoy: Promise<string> | undefined;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.options = {
      type: argon2id,
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: 1,
    };
  }

  hash(password: string): Promise<string> {
    return argon2Hash(password, this.options);
  }

  verify(storedHash: string, password: string): Promise<boolean> {
    return argon2Verify(storedHash, password);
  }

  /** Spends the time of one verification and always answers false. */
  async verifyNobody(password: string): Promise<false> {
    this.decoy ??= this.hash('decoy password that matches no account');
    await argon2Verify(await this.decoy, password);
    return false;
  }
}
