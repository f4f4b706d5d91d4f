import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@capstone/contracts';
import { ACCESS_TOKEN_ALGORITHM } from '@capstone/security';
import { SignJWT } from 'jose';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config.js';
import { SigningKey } from './signing-key.js';

/** Signs short-lived access tokens that any service verifies with the published public key. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly key: SigningKey,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  issue(claims: AccessTokenClaims): Promise<string> {
    const { sub, ...rest } = claims;
    return new SignJWT({ ...rest })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: this.key.keyId, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.key.privateKey);
  }
}
