import { defineEvent } from './events.js';
import { defineRpc } from './rpc.js';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The RPC queue the auth service consumes. */
export const AUTH_QUEUE = 'auth.rpc';

/** Who is calling, as the gateway saw it: used for sessions and audit, never for trust. */
export interface ClientInfo {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly username: string;
  readonly bio: string | null;
  readonly image: string | null;
  readonly role: Role;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly sessionId: string;
}

export interface AuthResult {
  readonly user: UserView;
  readonly tokens: IssuedTokens;
}

export interface RegisterCommand {
  readonly email: string;
  readonly username: string;
  readonly password: string;
  readonly client: ClientInfo;
}

export interface LoginCommand {
  readonly email: string;
  readonly password: string;
  readonly client: ClientInfo;
}

export interface UserChanges {
  readonly email?: string;
  readonly username?: string;
  readonly password?: string;
  readonly bio?: string | null;
  readonly image?: string | null;
}

export interface UpdateUserCommand {
  readonly userId: string;
  readonly changes: UserChanges;
}

export interface RefreshCommand {
  readonly refreshToken: string;
  readonly client: ClientInfo;
}

export interface SessionView {
  readonly id: string;
  readonly createdAt: string;
  readonly lastUsedAt: string;
  readonly expiresAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly current: boolean;
}

export interface SessionRef {
  readonly userId: string;
  readonly sessionId: string;
}

/** A JSON Web Key as published at the JWKS endpoint (public parts only). */
export interface PublicJwk {
  readonly kty: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: 'sig';
  readonly [member: string]: unknown;
}

export interface JsonWebKeySet {
  readonly keys: PublicJwk[];
}

/** The claims of an access token, as every verifier reads them. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly username: string;
  readonly role: Role;
  readonly sid: string;
}

export const AuthRpc = {
  register: defineRpc<RegisterCommand, AuthResult>('auth.register'),
  login: defineRpc<LoginCommand, AuthResult>('auth.login'),
  getUser: defineRpc<{ readonly userId: string }, UserView>('auth.user.get'),
  updateUser: defineRpc<UpdateUserCommand, UserView>('auth.user.update'),
  refresh: defineRpc<RefreshCommand, AuthResult>('auth.session.refresh'),
  logout: defineRpc<SessionRef, { readonly revoked: boolean }>('auth.session.logout'),
  listSessions: defineRpc<SessionRef, SessionView[]>('auth.session.list'),
  revokeSession: defineRpc<SessionRef, { readonly revoked: boolean }>('auth.session.revoke'),
  jwks: defineRpc<Record<string, never>, JsonWebKeySet>('auth.jwks'),
} as const;

/** The public profile data every consumer of user events keeps. */
export interface UserProfileData {
  readonly userId: string;
  readonly email: string;
  readonly username: string;
  readonly bio: string | null;
  readonly image: string | null;
  /** Increases by one with every change of the user; consumers apply a version once, in order. */
  readonly version: number;
}

/** A session ended before its time: its access tokens must be refused from now on. */
export interface SessionRevokedData {
  readonly sessionId: string;
  readonly userId: string;
  readonly reason: string;
}

export const AuthEvents = {
  userRegistered: defineEvent<UserProfileData>('user.registered'),
  userUpdated: defineEvent<UserProfileData>('user.updated'),
  sessionRevoked: defineEvent<SessionRevokedData>('session.revoked'),
} as const;
