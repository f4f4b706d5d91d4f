import { describe, expect, it } from 'vitest';
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
});
