import { describe, expect, it } from 'vitest';
import { ServiceError } from '@capstone/errors';
import { loadAuthConfig } from '../auth.config.js';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(loadAuthConfig({ NODE_ENV: 'test' }));

  it('stores argon2id hashes with the configured cost, salted', async () => {
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');
    const [, algorithm, , parameters] = first.split('$');
    expect(algorithm).toBe('argon2id');
    expect(parameters?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(first).not.toBe(second);
  });

  it('verifies the right password only', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'Correct horse battery staple')).toBe(false);
  });

  it('answers false for an unknown account', async () => {
    expect(await hasher.verifyNobody('whatever')).toBe(false);
  });

  it('hashes a few at a time, refuses what the queue cannot hold, and lets logins verify meanwhile', async () => {
    const bounded = new PasswordHasher(
      loadAuthConfig({
        NODE_ENV: 'test',
        PASSWORD_HASHES_AT_ONCE: '1',
        PASSWORD_HASHES_WAITING: '2',
      }),
    );
    const stored = await bounded.hash('correct horse battery staple');
    const finished: string[] = [];
    const flood = Array.from({ length: 6 }, (_, index) =>
      bounded.hash(`sign-up ${index}`).then(
        () => finished.push(`hash ${index}`),
        (error: unknown) => error,
      ),
    );
    const login = bounded
      .verify(stored, 'correct horse battery staple')
      .then((valid) => finished.push(`login ${String(valid)}`));

    const refused = (await Promise.all(flood)).filter((outcome) => outcome instanceof ServiceError);
    await login;
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatchObject({
      status: 503,
      errors: { password: ['cannot be hashed now; try again in a moment'] },
    });
    // One hash runs at a time, so the login, which does not queue, ends before the last of them.
    expect(finished.indexOf('login true')).toBeLessThan(finished.indexOf('hash 2'));
  });
});
