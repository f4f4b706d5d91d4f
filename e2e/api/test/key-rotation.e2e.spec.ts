import { createPublicKey } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { startAuthService } from '@capstone/auth-feature';
import { decodeProtectedHeader, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startStack, type Stack } from './support/stack.js';

const keyIdOf = (token: string) => decodeProtectedHeader(token).kid;

/**
 * A rotation of the signing key as apps/auth/README.md describes it, through the gateway: auth
 * restarts with a new `JWT_PRIVATE_KEY` and the previous public key in `JWT_EXTRA_PUBLIC_KEYS`.
 * How long verifiers cache the key set, and that a key withdrawn from it stops verifying, is
 * proved with a fake clock in libs/shared/security and libs/auth/feature/src/tokens.
 */
describe('rotating the signing key', () => {
  let stack: Stack;
  let rotatedAuth: INestApplication | undefined;

  beforeAll(async () => {
    stack = await startStack('key_rotation');
  });

  afterAll(async () => {
    await rotatedAuth?.close();
    await stack?.stop();
  });

  it('publishes both keys, and accepts the tokens issued before the rotation and after it', async () => {
    const before = await signUp(stack.api);
    const previousPublicKey = createPublicKey(stack.authConfig.JWT_PRIVATE_KEY ?? '').export({
      type: 'spki',
      format: 'pem',
    });
    const next = await generateKeyPair('ES256', { extractable: true });
    await stack.auth.close();
    rotatedAuth = await startAuthService({
      ...stack.authConfig,
      JWT_PRIVATE_KEY: await exportPKCS8(next.privateKey),
      JWT_EXTRA_PUBLIC_KEYS: previousPublicKey.toString(),
    });

    const after = await signUp(stack.api);
    expect(keyIdOf(after.token)).not.toBe(keyIdOf(before.token));
    const jwks = await stack.api.request<{ keys: { kid: string }[] }>('GET', '/api/auth/jwks');
    expect(jwks.body.keys.map((key) => key.kid)).toEqual([
      keyIdOf(after.token),
      keyIdOf(before.token),
    ]);

    for (const account of [before, after]) {
      const response = await stack.api.request<{ user: { username: string } }>('GET', '/api/user', {
        token: account.token,
      });
      expect(response.status).toBe(200);
      expect(response.body.user.username).toBe(account.username);
    }

    const refreshed = await stack.api.request<{ user: { token: string } }>(
      'POST',
      '/api/auth/refresh',
      { body: { refreshToken: before.refreshToken } },
    );
    expect(refreshed.status).toBe(200);
    expect(keyIdOf(refreshed.body.user.token)).toBe(keyIdOf(after.token));
  });
});
