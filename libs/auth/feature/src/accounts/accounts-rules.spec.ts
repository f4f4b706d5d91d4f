import { describe, expect, it } from 'vitest';
import { ServiceError } from '@capstone/messaging';
import { loadAuthConfig } from '../auth.config.js';
import { checkChanges, checkEmail, checkPassword, checkUsername } from './account-fields.js';
import { PasswordHasher } from './password-hasher.js';

function failure(run: () => unknown): ServiceError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError) return error;
  }
  throw new Error('expected a ServiceError');
}

describe('account fields', () => {
  it('trims emails and usernames and keeps their case', () => {
    expect(checkEmail('  Alice@Example.com ')).toBe('Alice@Example.com');
    expect(checkUsername(' alice_1 ')).toBe('alice_1');
  });

  it('names the field and the problem', () => {
    expect(failure(() => checkEmail('not-an-email')).errors).toEqual({ email: ['is invalid'] });
    expect(failure(() => checkUsername('  ')).errors).toEqual({ username: ["can't be blank"] });
    expect(failure(() => checkUsername('a b')).errors).toEqual({ username: ['is invalid'] });
    expect(failure(() => checkPassword('1234567')).errors).toEqual({
      password: ['is too short (minimum is 8 characters)'],
    });
    expect(failure(() => checkPassword('x'.repeat(129))).status).toBe(422);
  });

  it('accepts passwords of 8 and of 128 characters', () => {
    expect(checkPassword('12345678')).toHaveLength(8);
    expect(checkPassword('x'.repeat(128))).toHaveLength(128);
  });

  it('turns blank bio and image into null and refuses non-http images', () => {
    expect(checkChanges({ bio: '  ', image: '' })).toEqual({ bio: null, image: null });
    expect(failure(() => checkChanges({ image: 'javascript:alert(1)' })).errors).toEqual({
      image: ['must be an http(s) URL'],
    });
    expect(checkChanges({})).toEqual({});
  });
});

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
