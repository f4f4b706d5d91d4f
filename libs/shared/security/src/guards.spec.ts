import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { describe, expect, it } from 'vitest';
import { AccessTokenVerifier, InvalidTokenError } from './access-token-verifier.js';
import { AccessTokenGuard, OptionalAuth, Public, Roles } from './guards.js';

@Controller()
class ExampleController {
  @Get() @Public() health() {
    return 'ok';
  }
  @Get() @OptionalAuth() articles() {
    return [];
  }
  @Get() profile() {
    return {};
  }
  @Get() @Roles('admin') administration() {
    return {};
  }
}

const alice: AccessTokenClaims = { sub: 'u1', username: 'alice', role: 'user', sid: 's1' };
const verifier = {
  verify: async (token: string) => {
    if (token === 'user-token') return alice;
    if (token === 'admin-token') return { ...alice, role: 'admin' };
    throw new InvalidTokenError(token === 'old-token' ? 'expired' : 'invalid');
  },
} as AccessTokenVerifier;

async function attempt(
  handler: keyof ExampleController,
  authorization?: string,
  revokedSessions: string[] = [],
) {
  const request: { headers: Record<string, string | undefined>; user?: AccessTokenClaims } = {
    headers: { authorization },
  };
  const context = {
    getHandler: () => ExampleController.prototype[handler],
    getClass: () => ExampleController,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  try {
    const revocations = {
      revoke: async () => undefined,
      isRevoked: async (sessionId: string) => revokedSessions.includes(sessionId),
    };
    await new AccessTokenGuard(verifier, new Reflector(), revocations).canActivate(context);
    return { allowed: true, user: request.user };
  } catch (error) {
    if (error instanceof ServiceError)
      return { allowed: false, status: error.status, errors: error.errors };
    throw error;
  }
}

describe('AccessTokenGuard', () => {
  it('requires a token by default and says what is wrong with it', async () => {
    expect(await attempt('profile')).toMatchObject({
      allowed: false,
      status: 401,
      errors: { token: ['is missing'] },
    });
    expect(await attempt('profile', 'Token old-token')).toMatchObject({
      status: 401,
      errors: { token: ['has expired'] },
    });
    expect(await attempt('profile', 'Token forged')).toMatchObject({
      status: 401,
      errors: { token: ['is invalid'] },
    });
    expect(await attempt('profile', 'Token user-token')).toEqual({ allowed: true, user: alice });
  });

  it('lets public routes through without looking at the token', async () => {
    expect(await attempt('health', 'Token forged')).toEqual({ allowed: true, user: undefined });
  });

  it('lets anonymous readers through optional routes, but still refuses a bad token there', async () => {
    expect(await attempt('articles')).toEqual({ allowed: true, user: undefined });
    expect(await attempt('articles', 'Token user-token')).toEqual({ allowed: true, user: alice });
    expect(await attempt('articles', 'Token forged')).toMatchObject({
      allowed: false,
      status: 401,
    });
  });

  it('refuses a valid token whose session was revoked', async () => {
    expect(await attempt('profile', 'Token user-token', ['s1'])).toMatchObject({
      allowed: false,
      status: 401,
      errors: { token: ['has been revoked'] },
    });
    expect(await attempt('profile', 'Token user-token', ['another'])).toMatchObject({
      allowed: true,
    });
  });

  it('enforces roles with 403', async () => {
    expect(await attempt('administration', 'Token user-token')).toMatchObject({
      allowed: false,
      status: 403,
      errors: { role: ['must be admin'] },
    });
    expect(await attempt('administration', 'Token admin-token')).toMatchObject({ allowed: true });
  });
});
