import { AccessTokenClaims } from '@capstone/contracts';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { JwksCache, type JwksCachePolicy, type JwksSource, type KeySet } from './jwks-cache.js';

export interface AccessTokenPolicy extends JwksCachePolicy {
  readonly issuer: string;
  readonly audience: string;
  /** Unknown key ids trigger a key refresh at most this often, so forged kids cannot flood the source. */
  readonly refreshCooldownMs?: number;
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'has expired' : 'is invalid');
    this.name = 'InvalidTokenError';
  }
}

/** The only algorithm the auth service signs with: `none`, HMAC and anything else is refused. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';

/**
 * Verifies access tokens locally with the auth service's public keys, cached for a bounded time
 * (`JwksCache`). A token signed with a key not yet seen (after a key rotation) refreshes the cache
 * once, at most once per cool-down.
 */
export class AccessTokenVerifier {
  private readonly keys: JwksCache;

  constructor(
    source: JwksSource,
    private readonly policy: AccessTokenPolicy,
  ) {
    this.keys = new JwksCache(source, policy);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      return toClaims(await this.verifyWithCachedKeys(token));
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('expired');
      if (error instanceof errors.JOSEError) throw new InvalidTokenError('invalid');
      throw error;
    }
  }

  private async verifyWithCachedKeys(token: string): Promise<JWTPayload> {
    try {
      return await this.verifyWith(await this.keys.current(), token);
    } catch (error) {
      const cooledDown =
        this.keys.msSinceLastAttempt() >= (this.policy.refreshCooldownMs ?? 30_000);
      if (!(error instanceof errors.JWKSNoMatchingKey) || !cooledDown) throw error;
      return this.verifyWith(await this.keys.refresh(), token);
    }
  }

  private async verifyWith(keys: KeySet, token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: this.policy.issuer,
      audience: this.policy.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return payload;
  }
}

/** A signed token whose claims are not the contract's (a missing name, an unknown role) is refused too. */
function toClaims(payload: JWTPayload): AccessTokenClaims {
  const claims = AccessTokenClaims.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('invalid');
  return claims.data;
}
