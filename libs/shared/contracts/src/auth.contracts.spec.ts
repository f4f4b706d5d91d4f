import { describe, expect, it } from 'vitest';
import { AccountRules } from './account-rules.js';
import { AccessTokenClaims, AuthRpc, UserChanges } from './auth.contracts.js';
import { validate } from './schema/validate.js';
import { errorsOf } from '../test/support/errors-of.js';

const client = { ip: '127.0.0.1', userAgent: 'test' };
const account = {
  email: 'alice@example.com',
  username: 'alice_1',
  password: 'long enough',
  client,
};

describe('account fields', () => {
  it('trims emails and usernames and keeps their case; keeps passwords exactly', () => {
    expect(
      validate(AuthRpc.register.request, {
        ...account,
        email: '  Alice@Example.com ',
        username: ' alice_1 ',
        password: ' spaced out ',
      }),
    ).toMatchObject({
      ok: true,
      value: { email: 'Alice@Example.com', username: 'alice_1', password: ' spaced out ' },
    });
  });

  it('names the field and the problem, one message each', () => {
    const register = (fields: Record<string, unknown>) =>
      errorsOf(validate(AuthRpc.register.request, { ...account, ...fields }));
    expect(register({ email: 'not-an-email' })).toEqual({ email: ['is invalid'] });
    expect(register({ username: '  ' })).toEqual({ username: ["can't be blank"] });
    expect(register({ username: 'a b' })).toEqual({
      username: ['may only contain letters, digits, _, - and .'],
    });
    expect(register({ password: '1234567' })).toEqual({
      password: ['is too short (minimum is 8 characters)'],
    });
    expect(register({ password: 'x'.repeat(129) })).toEqual({
      password: ['is too long (maximum is 128 characters)'],
    });
    expect(register({ role: 'admin' })).toEqual({ role: ['is not allowed'] });
  });

  it('accepts the limits themselves', () => {
    const longest = {
      ...account,
      email: `${'a'.repeat(AccountRules.emailMaxLength - 12)}@example.com`,
      username: 'u'.repeat(AccountRules.usernameMaxLength),
      password: 'p'.repeat(AccountRules.passwordMaxLength),
    };
    expect(validate(AuthRpc.register.request, longest)).toMatchObject({ ok: true });
    expect(
      validate(AuthRpc.register.request, { ...account, password: 'p'.repeat(8) }),
    ).toMatchObject({ ok: true });
  });

  it('turns blank bio and image into null and refuses non-http images', () => {
    expect(validate(UserChanges, { bio: '  ', image: '' })).toEqual({
      ok: true,
      value: { bio: null, image: null },
    });
    expect(errorsOf(validate(UserChanges, { image: 'javascript:alert(1)' }))).toEqual({
      image: ['must be an http(s) URL'],
    });
    expect(validate(UserChanges, {})).toEqual({ ok: true, value: {} });
  });
});

describe('requests put straight on the auth queue', () => {
  it('refuses wrong types, missing fields and operator objects with the field named', () => {
    expect(errorsOf(validate(AuthRpc.login.request, { email: 5, password: 'x', client }))).toEqual({
      email: ['must be text'],
    });
    expect(errorsOf(validate(AuthRpc.login.request, {}))).toEqual({
      email: ["can't be blank"],
      password: ["can't be blank"],
      client: ['must be an object'],
    });
    expect(
      errorsOf(validate(AuthRpc.register.request, { ...account, password: undefined })),
    ).toEqual({ password: ["can't be blank"] });
    expect(
      errorsOf(validate(AuthRpc.updateUser.request, { userId: 12, changes: 'everything' })),
    ).toEqual({
      userId: ['is invalid'],
      sessionId: ["can't be blank"],
      changes: ['must be an object'],
    });
    expect(errorsOf(validate(AuthRpc.getUser.request, { userId: { $ne: null } }))).toEqual({
      userId: ['is invalid'],
    });
    expect(errorsOf(validate(AuthRpc.refresh.request, 42))).toEqual({
      payload: ['must be an object'],
    });
  });

  it('refuses text PostgreSQL cannot store: NUL in an email, a lone surrogate in a name', () => {
    const unstorable = 'contains characters that cannot be stored (NUL or an unpaired surrogate)';
    expect(
      errorsOf(
        validate(AuthRpc.login.request, { email: 'a\u0000@example.com', password: 'x', client }),
      ),
    ).toEqual({ email: [unstorable, 'is invalid'] });
    expect(
      errorsOf(validate(AuthRpc.register.request, { ...account, username: 'ab\ud800' })),
    ).toHaveProperty('username');
  });
});

describe('access token claims', () => {
  const claims = { sub: 'user-1', username: 'alice', role: 'user', sid: 'session-1' };

  it('keeps the four claims a verifier hands on, and drops the registered ones', () => {
    expect(
      AccessTokenClaims.parse({ ...claims, iss: 'capstone-auth', aud: 'capstone', exp: 1, iat: 0 }),
    ).toEqual(claims);
  });

  it('refuses claims without a name or session, or with a role nobody has', () => {
    const { username: _username, ...nameless } = claims;
    expect(AccessTokenClaims.safeParse(nameless).success).toBe(false);
    expect(AccessTokenClaims.safeParse({ ...claims, sid: 7 }).success).toBe(false);
    expect(AccessTokenClaims.safeParse({ ...claims, role: 'root' }).success).toBe(false);
  });
});
