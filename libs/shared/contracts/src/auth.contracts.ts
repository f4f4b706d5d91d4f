import { z } from 'zod';
import { AccountFields, AccountRules } from './account-rules.js';
import { defineEvent } from './events.js';
import { defineRpc } from './rpc.js';
import { field, strictObject } from './schema/fields.js';

export const ROLES = ['user', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** The RPC queue the auth service consumes. */
export const AUTH_QUEUE = 'auth.rpc';

/** Who is calling, as the gateway saw it: used for sessions and audit, never for trust. */
export const ClientInfo = strictObject({
  ip: field.token(AccountRules.ipMaxLength).nullable(),
  userAgent: field.token(AccountRules.userAgentMaxLength).nullable(),
});
export type ClientInfo = z.infer<typeof ClientInfo>;

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  username: z.string(),
  bio: z.string().nullable(),
  image: z.string().nullable(),
  role: Role,
  /** The profile's version, as in the user events: what the projections order changes by. */
  version: z.number().int().min(1),
});
export type UserView = z.infer<typeof UserView>;

export const IssuedTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  sessionId: z.uuid(),
});
export type IssuedTokens = z.infer<typeof IssuedTokens>;

export const AuthResult = z.object({ user: UserView, tokens: IssuedTokens });
export type AuthResult = z.infer<typeof AuthResult>;

export const RegisterCommand = strictObject({
  email: AccountFields.email,
  username: AccountFields.username,
  password: AccountFields.password,
  client: ClientInfo,
});
export type RegisterCommand = z.input<typeof RegisterCommand>;

export const LoginCommand = strictObject({
  email: AccountFields.email,
  password: AccountFields.passwordGiven,
  client: ClientInfo,
});
export type LoginCommand = z.input<typeof LoginCommand>;

/** Any of the profile fields; a field left out stays as it is. */
export const UserChanges = strictObject({
  email: AccountFields.email.optional(),
  username: AccountFields.username.optional(),
  password: AccountFields.password.optional(),
  bio: AccountFields.bio.optional(),
  image: AccountFields.image.optional(),
});
export type UserChanges = z.output<typeof UserChanges>;

/**
 * A profile change, made in a session. A password or email change needs `currentPassword`
 * unless the session's holder gave the password within the last few minutes ("sudo mode").
 */
export const UpdateUserCommand = strictObject({
  userId: field.uuid(),
  sessionId: field.uuid(),
  currentPassword: AccountFields.passwordGiven.optional(),
  changes: UserChanges,
});
export type UpdateUserCommand = z.input<typeof UpdateUserCommand>;

export const RefreshCommand = strictObject({
  refreshToken: AccountFields.refreshToken,
  client: ClientInfo,
});
export type RefreshCommand = z.input<typeof RefreshCommand>;

export const SessionView = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;

export const SessionRef = strictObject({ userId: field.uuid(), sessionId: field.uuid() });
export type SessionRef = z.infer<typeof SessionRef>;

/** A JSON Web Key as published at the JWKS endpoint (public parts only). */
export const PublicJwk = z.looseObject({
  kty: z.string(),
  kid: z.string(),
  alg: z.string(),
  use: z.literal('sig'),
});
export type PublicJwk = z.infer<typeof PublicJwk>;

export const JsonWebKeySet = z.object({ keys: z.array(PublicJwk) });
export type JsonWebKeySet = z.infer<typeof JsonWebKeySet>;

/**
 * The claims of an access token, as every verifier reads them once the signature, issuer,
 * audience and expiry have been checked: the user, their name and role, and the session.
 */
export const AccessTokenClaims = z.object({
  sub: z.string(),
  username: z.string(),
  role: Role,
  sid: z.string(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

const Revoked = z.object({ revoked: z.boolean() });

export const AuthRpc = {
  register: defineRpc('auth.register', RegisterCommand, AuthResult),
  login: defineRpc('auth.login', LoginCommand, AuthResult),
  getUser: defineRpc('auth.user.get', strictObject({ userId: field.uuid() }), UserView),
  updateUser: defineRpc('auth.user.update', UpdateUserCommand, UserView),
  refresh: defineRpc('auth.session.refresh', RefreshCommand, AuthResult),
  logout: defineRpc('auth.session.logout', SessionRef, Revoked),
  listSessions: defineRpc('auth.session.list', SessionRef, z.array(SessionView)),
  revokeSession: defineRpc('auth.session.revoke', SessionRef, Revoked),
  /** Every session of the user but the one asking ("sign out everywhere else"). */
  revokeOtherSessions: defineRpc(
    'auth.session.revoke-others',
    SessionRef,
    z.object({ revoked: z.number().int().min(0) }),
  ),
  jwks: defineRpc('auth.jwks', strictObject({}), JsonWebKeySet),
} as const;

/** The public profile data every consumer of user events keeps. */
export const UserProfileData = z.object({
  userId: z.uuid(),
  email: z.string(),
  username: z.string().min(1),
  bio: z.string().nullable(),
  image: z.string().nullable(),
  /** Increases by one with every change of the user; consumers apply a version once, in order. */
  version: z.number().int().min(1),
});
export type UserProfileData = z.infer<typeof UserProfileData>;

/** The highest version a projection stores: the blog keeps it in a PostgreSQL `integer`. */
const PROFILE_VERSION_MAX = 2_147_483_647;

/**
 * A user's public profile at a version, as the gateway hands it to a projection right after auth
 * answered the change (`blog.author.apply`, `chat.user.apply`), so that the writer's next read
 * shows it. The same data as the user events, read as a request: strict, every field bounded.
 */
export const ProfileSnapshot = strictObject({
  userId: field.uuid(),
  email: AccountFields.email,
  username: AccountFields.username,
  bio: AccountFields.bio,
  image: AccountFields.image,
  version: field.count(1, PROFILE_VERSION_MAX),
});
export type ProfileSnapshot = z.input<typeof ProfileSnapshot>;

/** Whether the projection took the version: false if it held that version or a newer one. */
export const ProfileApplied = z.object({ applied: z.boolean() });

/** A session ended before its time: its access tokens must be refused from now on. */
export const SessionRevokedData = z.object({
  sessionId: z.uuid(),
  userId: z.uuid(),
  reason: z.string(),
});
export type SessionRevokedData = z.infer<typeof SessionRevokedData>;

export const AuthEvents = {
  userRegistered: defineEvent('user.registered', UserProfileData),
  userUpdated: defineEvent('user.updated', UserProfileData),
  sessionRevoked: defineEvent('session.revoked', SessionRevokedData),
} as const;
