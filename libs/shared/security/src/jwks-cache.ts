import type { JsonWebKeySet } from '@capstone/contracts';
import { createLocalJWKSet } from 'jose';

/** Where the verifier gets the auth service's public keys (over the broker, or HTTP). */
export type JwksSource = () => Promise<JsonWebKeySet>;

export type KeySet = ReturnType<typeof createLocalJWKSet>;

export interface JwksCachePolicy {
  /** Keys older than this are fetched again before use: how soon a withdrawn key stops verifying. */
  readonly keysMaxAgeMs?: number;
  /** A failed fetch is answered from memory this long, so an auth outage is not asked once per request. */
  readonly failedFetchMemoryMs?: number;
  /**
   * While fetching fails, the last keys fetched keep verifying this long after the first failure;
   * then the fetch's error is thrown (unavailable). Auth issues no tokens while it cannot be
   * reached, so one access token lifetime covers every token issued before the failure.
   */
  readonly staleKeysAfterFailureMs?: number;
}

export const JWKS_CACHE_DEFAULTS: Required<JwksCachePolicy> = {
  keysMaxAgeMs: 5 * 60_000,
  failedFetchMemoryMs: 5_000,
  staleKeysAfterFailureMs: 15 * 60_000,
};

/**
 * The auth service's key set, cached for a bounded time. Concurrent callers share one fetch; a
 * failed fetch is remembered briefly (its error is thrown again without asking the source), and
 * the last keys fetched keep serving for a bounded while when a fetch fails.
 */
export class JwksCache {
  private fetched: { readonly keys: KeySet; readonly at: number } | undefined;
  private failure: { readonly error: unknown; readonly at: number } | undefined;
  private failingSince: number | undefined;
  private inFlight: Promise<KeySet> | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private readonly policy: Required<JwksCachePolicy>;

  constructor(
    private readonly source: JwksSource,
    policy: JwksCachePolicy = {},
  ) {
    this.policy = {
      keysMaxAgeMs: policy.keysMaxAgeMs ?? JWKS_CACHE_DEFAULTS.keysMaxAgeMs,
      failedFetchMemoryMs: policy.failedFetchMemoryMs ?? JWKS_CACHE_DEFAULTS.failedFetchMemoryMs,
      staleKeysAfterFailureMs:
        policy.staleKeysAfterFailureMs ?? JWKS_CACHE_DEFAULTS.staleKeysAfterFailureMs,
    };
  }

  /** The keys to verify with: the cached ones within their max age, else freshly fetched ones. */
  async current(): Promise<KeySet> {
    if (this.fetched && Date.now() - this.fetched.at < this.policy.keysMaxAgeMs) {
      return this.fetched.keys;
    }
    try {
      return await this.refresh();
    } catch (error) {
      const failingFor = Date.now() - (this.failingSince ?? Date.now());
      if (this.fetched && failingFor < this.policy.staleKeysAfterFailureMs) {
        return this.fetched.keys;
      }
      throw error;
    }
  }

  /** Fetches the keys now (joining a fetch under way), or throws the failure still remembered. */
  refresh(): Promise<KeySet> {
    if (this.failure && Date.now() - this.failure.at < this.policy.failedFetchMemoryMs) {
      return Promise.reject(this.failure.error);
    }
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** How long ago a fetch last began. */
  msSinceLastAttempt(): number {
    return Date.now() - this.lastAttempt;
  }

  private async fetch(): Promise<KeySet> {
    this.lastAttempt = Date.now();
    try {
      const keys = createLocalJWKSet(await this.source());
      this.fetched = { keys, at: Date.now() };
      this.failure = undefined;
      this.failingSince = undefined;
      return keys;
    } catch (error) {
      this.failure = { error, at: Date.now() };
      this.failingSince ??= this.failure.at;
      throw error;
    }
  }
}
