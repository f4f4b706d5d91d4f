import { z } from 'zod';
import { defineEvent } from './events.js';

/** The facts the blog publishes, through its outbox, for the gateway's cache and the chat. */
export const ArticleEventData = z.object({
  articleId: z.string(),
  slug: z.string(),
  /** The slug before a title change renamed the article; absent when it did not change. */
  previousSlug: z.string().optional(),
  title: z.string(),
  authorId: z.string(),
  authorUsername: z.string(),
  tagList: z.array(z.string()),
});
export type ArticleEventData = z.infer<typeof ArticleEventData>;

export const CommentEventData = z.object({
  commentId: z.number().int(),
  articleSlug: z.string(),
  authorId: z.string(),
});
export type CommentEventData = z.infer<typeof CommentEventData>;

export const FavoriteEventData = z.object({ articleSlug: z.string(), userId: z.string() });
export type FavoriteEventData = z.infer<typeof FavoriteEventData>;

export const FollowEventData = z.object({
  followerId: z.string(),
  followedId: z.string(),
  followedUsername: z.string(),
});
export type FollowEventData = z.infer<typeof FollowEventData>;

/** The blog's copy of an author changed (after a `user.updated`): pages showing them are stale. */
export const AuthorEventData = z.object({ userId: z.string(), username: z.string() });
export type AuthorEventData = z.infer<typeof AuthorEventData>;

export const BlogEvents = {
  authorUpdated: defineEvent('author.updated', AuthorEventData),
  articleCreated: defineEvent('article.created', ArticleEventData),
  articleUpdated: defineEvent('article.updated', ArticleEventData),
  articleDeleted: defineEvent('article.deleted', ArticleEventData),
  commentCreated: defineEvent('comment.created', CommentEventData),
  commentDeleted: defineEvent('comment.deleted', CommentEventData),
  articleFavorited: defineEvent('article.favorited', FavoriteEventData),
  articleUnfavorited: defineEvent('article.unfavorited', FavoriteEventData),
  profileFollowed: defineEvent('profile.followed', FollowEventData),
  profileUnfollowed: defineEvent('profile.unfollowed', FollowEventData),
} as const;
