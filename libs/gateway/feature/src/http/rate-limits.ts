import {
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims, ErrorDetails } from '@capstone/contracts';
import { RateLimiter, type RateLimit } from '@capstone/redis';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { GatewayRedis } from '../redis/gateway-redis.js';
import { ErrorWithHeaders } from './http-error.filter.js';

/** What a route does that costs the services or changes data, and so is counted. */
export type LimitedAction = 'signUp' | 'refresh' | 'profileChange' | 'write';

const LIMITED_ACTION = Symbol('limited-action');

/** Counts each request to the route against its action's limits (`RateLimitGuard`). */
export const RateLimited = (action: LimitedAction) => SetMetadata(LIMITED_ACTION, action);

/**
 * Counts one request against each limiter under its key, in order: 429 with Retry-After and the
 * `refusal` at the first that is over its limit, leaving the later ones uncounted.
 */
export async function consumeEach(
  counts: readonly (readonly [RateLimiter, string])[],
  refusal: ErrorDetails,
): Promise<void> {
  for (const [limiter, key] of counts) {
    const outcome = await limiter.consume(key);
    if (!outcome.allowed) {
      throw new ErrorWithHeaders(429, refusal, {
        'Retry-After': String(outcome.retryAfterSeconds),
      });
    }
  }
}

interface Limits {
  readonly perAddress?: RateLimiter;
  readonly perAccount?: RateLimiter;
}

/**
 * Rate limits per client address and per account, counted in Redis so that every replica counts
 * together (`RateLimiter`), for the routes marked `@RateLimited(...)`: 429 with Retry-After once
 * a count is over its limit. Runs after the access-token guard, which names the account.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits: Record<LimitedAction, Limits>;

  constructor(
    private readonly reflector: Reflector,
    redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    const limiter = (name: string, limit: RateLimit) => new RateLimiter(redis, name, limit);
    const writesPerAddress = limiter('writes:address', config.RATE_LIMIT_WRITES_PER_ADDRESS);
    this.limits = {
      signUp: { perAddress: limiter('sign-ups:address', config.RATE_LIMIT_SIGN_UPS_PER_ADDRESS) },
      refresh: {
        perAddress: limiter('refreshes:address', config.RATE_LIMIT_REFRESHES_PER_ADDRESS),
      },
      profileChange: {
        perAddress: writesPerAddress,
        perAccount: limiter(
          'profile-changes:account',
          config.RATE_LIMIT_PROFILE_CHANGES_PER_ACCOUNT,
        ),
      },
      write: {
        perAddress: writesPerAddress,
        perAccount: limiter('writes:account', config.RATE_LIMIT_WRITES_PER_ACCOUNT),
      },
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.getAllAndOverride<LimitedAction | undefined>(LIMITED_ACTION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!action) return true;
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: AccessTokenClaims }>();
    const { perAddress, perAccount } = this.limits[action];
    const counts: [RateLimiter, string][] = [];
    const account = request.user?.sub;
    if (perAccount && account) counts.push([perAccount, account]);
    if (perAddress && request.ip) counts.push([perAddress, request.ip]);
    await consumeEach(counts, { requests: ['are too many; try again later'] });
    return true;
  }
}
