import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccount, signUp, startStack, type Stack } from './support/stack.js';

describe('accounts through the gateway (RealWorld)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('accounts');
  });

  afterAll(() => stack?.stop());

  describe('sign up', () => {
    it('creates the account and answers 201 with every RealWorld key', async () => {
      const account = newAccount();
      const response = await stack.api.request('POST', '/api/users', { body: { user: account } });
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.body).toEqual({
        user: {
          email: account.email,
          username: account.username,
          token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
          refreshToken: expect.any(String),
          bio: null,
          image: null,
        },
      });
    });

    it('refuses an email that is taken, whatever its case', async () => {
      const first = await signUp(stack.api);
      const response = await stack.api.request('POST', '/api/users', {
        body: { user: { ...newAccount(), email: first.email.toUpperCase() } },
      });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ errors: { email: ['has already been taken'] } });
    });

    it('refuses a username that is taken', async () => {
      const first = await signUp(stack.api);
      const response = await stack.api.request('POST', '/api/users', {
        body: { user: { ...newAccount(), username: first.username } },
      });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ errors: { username: ['has already been taken'] } });
    });

    it.each([
      ['email', { username: 'bob', password: 'long enough password' }, "can't be blank"],
      [
        'username',
        { email: 'bob@example.com', password: 'long enough password' },
        "can't be blank",
      ],
      ['password', { email: 'bob@example.com', username: 'bob' }, "can't be blank"],
      [
        'email',
        { email: 'not-an-email', username: 'bob', password: 'long enough password' },
        'is invalid',
      ],
      [
        'password',
        { email: 'bob@example.com', username: 'bob', password: 'short' },
        'is too short (minimum is 8 characters)',
      ],
      [
        'password',
        { email: 'bob@example.com', username: 'bob', password: 'x'.repeat(129) },
        'is too long (maximum is 128 characters)',
      ],
    ])('answers 422 naming %s when it is missing or malformed', async (field, user, message) => {
      const response = await stack.api.request('POST', '/api/users', { body: { user } });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ errors: { [field]: [message] } });
    });

    it('answers 422 for unknown fields and for a missing user object', async () => {
      const unknown = await stack.api.request('POST', '/api/users', {
        body: { user: { ...newAccount(), role: 'admin' } },
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body).toEqual({ errors: { role: ['is not allowed'] } });

      const missing = await stack.api.request('POST', '/api/users', {
        body: { email: 'a@example.com' },
      });
      expect(missing.status).toBe(422);
      expect(missing.body).toMatchObject({
        errors: { user: ['must be an object with the user fields'] },
      });
    });
  });

  describe('log in', () => {
    it('answers 200 with a fresh token', async () => {
      const account = await signUp(stack.api);
      const response = await stack.api.request('POST', '/api/users/login', {
        body: { user: { email: account.email.toUpperCase(), password: account.password } },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        user: { email: account.email, username: account.username, bio: null, image: null },
      });
    });

    it('gives the same 401 for a wrong password and an unknown email', async () => {
      const account = await signUp(stack.api);
      const wrongPassword = await stack.api.request('POST', '/api/users/login', {
        body: { user: { email: account.email, password: 'not the password' } },
      });
      const unknownEmail = await stack.api.request('POST', '/api/users/login', {
        body: { user: { email: 'nobody-at-all@example.com', password: 'not the password' } },
      });
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.body).toEqual({ errors: { 'email or password': ['is invalid'] } });
      expect(unknownEmail.body).toEqual(wrongPassword.body);
    });
  });

  it('refuses a NUL in a login email or a sign-up username with 422, never a 500', async () => {
    const login = await stack.api.request('POST', '/api/users/login', {
      body: { user: { email: 'nul\u0000@example.com', password: 'whatever it is' } },
    });
    expect(login.status).toBe(422);
    expect(login.body).toMatchObject({
      errors: {
        email: [
          'contains characters that cannot be stored (NUL or an unpaired surrogate)',
          'is invalid',
        ],
      },
    });
    const signUp = await stack.api.request('POST', '/api/users', {
      body: { user: { ...newAccount(), username: 'x\u0000y' } },
    });
    expect(signUp.status).toBe(422);
    expect(Object.keys((signUp.body as { errors: object }).errors)).toEqual(['username']);
  });

  describe('the current user', () => {
    it('is read with the RealWorld Token scheme and with Bearer', async () => {
      const account = await signUp(stack.api);
      for (const authorization of [`Token ${account.token}`, `Bearer ${account.token}`]) {
        const response = await stack.api.request('GET', '/api/user', {
          headers: { authorization },
        });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          user: {
            email: account.email,
            username: account.username,
            token: account.token,
            bio: null,
            image: null,
          },
        });
      }
    });

    it('needs a token', async () => {
      const missing = await stack.api.request('GET', '/api/user');
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ errors: { token: ['is missing'] } });
      const malformed = await stack.api.request('GET', '/api/user', {
        headers: { authorization: 'Basic abc' },
      });
      expect(malformed.status).toBe(401);
    });

    it('is updated field by field, and the change is visible on the next read', async () => {
      const account = await signUp(stack.api);
      const update = await stack.api.request('PUT', '/api/user', {
        token: account.token,
        body: { user: { bio: 'I write about caches', image: 'https://example.com/alice.png' } },
      });
      expect(update.status).toBe(200);
      expect(update.body).toMatchObject({
        user: { bio: 'I write about caches', image: 'https://example.com/alice.png' },
      });

      const read = await stack.api.request('GET', '/api/user', { token: account.token });
      expect(read.body).toMatchObject({
        user: { bio: 'I write about caches', username: account.username },
      });
    });

    it('accepts its own current email and username again without a conflict', async () => {
      const account = await signUp(stack.api);
      const response = await stack.api.request('PUT', '/api/user', {
        token: account.token,
        body: { user: { email: account.email, username: account.username } },
      });
      expect(response.status).toBe(200);
    });

    it("refuses another user's email or username", async () => {
      const alice = await signUp(stack.api);
      const bob = await signUp(stack.api);
      const response = await stack.api.request('PUT', '/api/user', {
        token: bob.token,
        body: { user: { email: alice.email, username: alice.username } },
      });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        errors: { email: ['has already been taken'], username: ['has already been taken'] },
      });
    });

    it('changes the password: the new one logs in, the old one no longer does', async () => {
      const account = await signUp(stack.api);
      const change = await stack.api.request('PUT', '/api/user', {
        token: account.token,
        body: { user: { password: 'a brand new passphrase' } },
      });
      expect(change.status).toBe(200);
      const login = (password: string) =>
        stack.api.request('POST', '/api/users/login', {
          body: { user: { email: account.email, password } },
        });
      expect((await login('a brand new passphrase')).status).toBe(200);
      expect((await login(account.password)).status).toBe(401);
    });
  });
});
