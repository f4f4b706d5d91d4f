import type { GatewayHttp, Reply } from './http.ts';

/** One account the load acts as; its token is renewed by signing in again before it expires. */
export interface VirtualUser {
  readonly username: string;
  readonly email: string;
  readonly password: string;
  token: string;
  /** Epoch milliseconds. */
  tokenExpiresAt: number;
}

/** Signs in again this long before the token expires, so no request is refused for it. */
const RENEW_BEFORE_MS = 60_000;

export interface AccountPlan {
  readonly prefix: string;
  readonly password: string;
}

export const usernameOf = (prefix: string, index: number) => `${prefix}-${index + 1}`;

/**
 * The account `<prefix>-<n>`: signed in if it exists, signed up if not. Asking its public profile
 * first (a read, not limited) keeps both limits whole: a sign-up attempt counts against the
 * address's few sign-ups an hour even when the name is taken, and a sign-in for an account that
 * does not exist counts as a failed login. So a second run signs in and uses up neither.
 */
export async function signInOrUp(
  http: GatewayHttp,
  plan: AccountPlan,
  index: number,
): Promise<VirtualUser> {
  const username = usernameOf(plan.prefix, index);
  const email = `${username}@load.example.com`;
  const account = { username, email, password: plan.password };
  const profile = await http.request('find account', 'GET', `/api/profiles/${username}`);
  if (profile.outcome === '404') {
    const signUp = await http.request('sign up', 'POST', '/api/users', { body: { user: account } });
    if (signUp.outcome === '201') return withToken(account, signUp);
    // 422: taken after all (its profile had not reached the blog yet): sign in below.
    if (signUp.outcome !== '422')
      throw new Error(`cannot sign ${username} up: ${describe(signUp)}`);
  } else if (profile.outcome !== '200') {
    throw new Error(`cannot look ${username} up: ${describe(profile)}`);
  }
  const signIn = await signInWith(http, account);
  if (signIn.outcome === '401')
    throw new Error(
      `${username} exists with another password: set LOAD_PASSWORD to its password or choose another --prefix`,
    );
  if (signIn.outcome !== '200') throw new Error(`cannot sign ${username} in: ${describe(signIn)}`);
  return withToken(account, signIn);
}

export function signInWith(
  http: GatewayHttp,
  account: { email: string; password: string },
): Promise<Reply> {
  const body = { user: { email: account.email, password: account.password } };
  return http.request('sign in', 'POST', '/api/users/login', { body });
}

const renewals = new WeakMap<VirtualUser, Promise<string>>();

/**
 * The user's token, signing in again first when it is about to expire (a token lives 15 min by
 * default); operations of the same user that need it meanwhile wait for the same sign-in.
 */
export function freshToken(http: GatewayHttp, user: VirtualUser): Promise<string> {
  if (user.tokenExpiresAt - Date.now() > RENEW_BEFORE_MS) return Promise.resolve(user.token);
  let renewal = renewals.get(user);
  if (!renewal) {
    renewal = signInWith(http, user)
      .then((reply) => {
        adoptToken(user, reply);
        return user.token;
      })
      .finally(() => renewals.delete(user));
    renewals.set(user, renewal);
  }
  return renewal;
}

/** Renews on the sign-in scenario too, which the mix runs anyway. */
export function adoptToken(user: VirtualUser, reply: Reply): void {
  if (reply.outcome === '200') Object.assign(user, tokenOf(reply));
}

function withToken(account: Omit<VirtualUser, 'token' | 'tokenExpiresAt'>, reply: Reply) {
  return { ...account, ...tokenOf(reply) };
}

function tokenOf(reply: Reply): { token: string; tokenExpiresAt: number } {
  const token = (reply.body as { user?: { token?: unknown } } | undefined)?.user?.token;
  if (typeof token !== 'string') throw new Error('the gateway answered without a token');
  return { token, tokenExpiresAt: expiryOf(token) };
}

/** A JWT's `exp`, read without verifying: only to know when to renew it. */
export function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp?: unknown;
    };
    if (typeof payload.exp === 'number') return payload.exp * 1000;
  } catch {
    // Not a JWT we can read: renew on the short side.
  }
  return Date.now() + 5 * 60_000;
}

function describe(reply: Reply): string {
  const errors = (reply.body as { errors?: unknown } | undefined)?.errors;
  return errors ? `${reply.outcome} ${JSON.stringify(errors)}` : reply.outcome;
}

/** Signs the users in (or up) a few at a time: argon2 makes each one cost the auth service. */
export async function signInAll(
  http: GatewayHttp,
  plan: AccountPlan,
  count: number,
): Promise<{ users: VirtualUser[]; problems: string[] }> {
  const users: VirtualUser[] = [];
  const problems: string[] = [];
  const batch = 4;
  for (let first = 0; first < count; first += batch) {
    const indexes = Array.from({ length: Math.min(batch, count - first) }, (_, i) => first + i);
    const results = await Promise.allSettled(indexes.map((i) => signInOrUp(http, plan, i)));
    for (const result of results) {
      if (result.status === 'fulfilled') users.push(result.value);
      else
        problems.push(
          result.reason instanceof Error ? result.reason.message : String(result.reason),
        );
    }
  }
  return { users, problems };
}
