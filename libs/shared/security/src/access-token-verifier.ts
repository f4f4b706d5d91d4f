import { AccessTokenClaims, type JsonWebKeySet } from '@capstone/contracts';
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/** Where the verifier gets the auth service's public keys (over the broker, or HTTP). */
export type JwksSource = () => Promise<JsonWebKeySet>;

export interface AccessTokenPolicy {
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
 * Verifies access tokens locally with the auth service's public keys, fetched once and cached.
 * A token signed with a key not yet seen (after a key rotation) refreshes the cache once.
 */
export class AccessTokenVerifier {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private lastRefresh = 0;

  constructor(
    private readonly source: JwksSource,
    private readonly policy: AccessTokenPolicy,
  ) {}

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
    const keys = this.keys ?? (await this.refresh());
    try {
      return await this.verifyWith(keys, token);
    } catch (error) {
      const cooledDown = Date.now() - this.lastRefresh >= (this.policy.refreshCooldownMs ?? 30_000);
      if (!(error instanceof errors.JWKSNoMatchingKey) || !cooledDown) throw error;
      return this.verifyWith(await this.refresh(), token);
    }
  }

  private async verifyWith(
    keys: ReturnType<typeof createLocalJWKSet>,
    token: string,
  ): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: this.policy.issuer,
      audience: this.policy.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return payload;
  }

  private async refresh(): Promise<ReturnType<typeof createLocalJWKSet>> {
    this.lastRefresh = Date.now();
    this.keys = createLocalJWKSet(await this.source());
    return this.keys;
  }
}

/** A signed token whose claims are not the contract's (a missing name, an unknown role) is refused too. */
function toClaims(payload: JWTPayload): AccessTokenClaims {
  const claims = AccessTokenClaims.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('invalid');
  return claims.data;
}
