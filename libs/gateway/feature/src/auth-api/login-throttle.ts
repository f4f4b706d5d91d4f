import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '@capstone/errors';
import { RateLimiter } from '@capstone/redis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { consumeEach } from '../http/rate-limits.js';
import { GatewayRedis } from '../redis/gateway-redis.js';

/** A login let through the throttle: tell it how the password check went. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
  /** The attempt never reached the password check (auth unavailable): it does not count. */
  abandoned(): Promise<void>;
}

const KNOWN_ADDRESS_DAYS = 30;

/**
 * Limits login attempts in Redis, counting each one atomically before it is let through, so that
 * parallel guesses cannot pass the count. Three counts:
 * - per account and address (`LOGIN_MAX_FAILURES_PER_ACCOUNT`): one guesser, one account;
 * - per address (`LOGIN_MAX_FAILURES_PER_ADDRESS`): one guesser, many accounts;
 * - per account from everywhere (`LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE`): many guessers, one
 *   account; not counted from an address the account signed in from before, so that a flood of
 *   guesses cannot lock its owner out (a lock-out is a denial of service of its own).
 * A success forgets the account's counts and gives the address its attempt back.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly perAccountAndAddress: RateLimiter;
  private readonly perAddress: RateLimiter;
  private readonly perAccount: RateLimiter;

  constructor(
    private readonly redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    const windowSeconds = config.LOGIN_WINDOW_SECONDS;
    const limit = (points: number) => ({ points, windowSeconds });
    this.perAccountAndAddress = new RateLimiter(
      redis,
      'login:account-address',
      limit(config.LOGIN_MAX_FAILURES_PER_ACCOUNT),
    );
    this.perAddress = new RateLimiter(
      redis,
      'login:address',
      limit(config.LOGIN_MAX_FAILURES_PER_ADDRESS),
    );
    this.perAccount = new RateLimiter(
      redis,
      'login:account',
      limit(config.LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE),
    );
  }

  /** Counts the attempt; 429 with Retry-After when any count is over its limit. */
  async begin(email: string, address: string | null): Promise<LoginAttempt> {
    const account = accountKey(email);
    const counted: [RateLimiter, string][] = [[this.perAccountAndAddress, `${account}:${address}`]];
    if (address) counted.push([this.perAddress, address]);
    if (!(await this.knownAddress(account, address))) counted.push([this.perAccount, account]);
    await consumeEach(counted, { login: ['too many failed attempts; try again later'] });
    return {
      succeeded: () =>
        this.bestEffort(async () => {
          await Promise.all([
            this.perAccountAndAddress.reset(`${account}:${address}`),
            this.perAccount.reset(account),
            address && this.perAddress.refund(address),
            address &&
              this.redis.set(
                knownAddressKey(account, address),
                '1',
                'EX',
                KNOWN_ADDRESS_DAYS * 86_400,
              ),
          ]);
        }),
      abandoned: () =>
        this.bestEffort(async () => {
          await Promise.all(counted.map(([limiter, key]) => limiter.refund(key)));
        }),
    };
  }

  private async knownAddress(account: string, address: string | null): Promise<boolean> {
    if (!address) return false;
    try {
      return (await this.redis.exists(knownAddressKey(account, address))) === 1;
    } catch {
      return false;
    }
  }

  private async bestEffort(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn(`login counts not updated: ${errorMessage(error)}`);
    }
  }
}

/** Hashed so that Redis never holds the email addresses themselves. */
function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

function knownAddressKey(account: string, address: string): string {
  return `login-known:${account}:${address}`;
}
