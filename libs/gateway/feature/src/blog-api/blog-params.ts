import {
  BlogFields,
  commentIdField,
  type AccessTokenClaims,
  type Actor,
} from '@capstone/contracts';
import { CurrentUser } from '@capstone/security';
import { ParamOf } from '../http/contract-params.js';

/** The caller as the blog's writes name them: `{ viewerId, username }` from the access token. */
export function actorOf(caller: AccessTokenClaims): Actor {
  return { viewerId: caller.sub, username: caller.username };
}

/** The caller of a write, as its `Actor`. */
export const CurrentActor = () => CurrentUser({ transform: actorOf });

/** Whose `favorited` and `following` flags a read shows: the caller's, or none when anonymous. */
export const CurrentViewerId = () =>
  CurrentUser({ transform: (caller?: AccessTokenClaims) => caller?.sub ?? null });

/** The article of the route. */
export const SlugParam = () => ParamOf('slug', BlogFields.slug);

/** The profile of the route: a name no account can have is no profile (404). */
export const UsernameParam = () =>
  ParamOf('username', BlogFields.username.meta({ description: "The author's username" }), {
    notFound: 'profile',
  });

/** The comment of the route: an id that is not a comment id is no comment (404). */
export const CommentIdParam = () =>
  ParamOf('id', commentIdField({ coerce: true }), { notFound: 'comment' });
