import { z } from 'zod';
import { ProfileApplied, ProfileSnapshot } from './auth.contracts.js';
import { defineRpc } from './rpc.js';
import { ArticleList, ArticleView, CommentView, ProfileView, ViewerFlags } from './blog-views.js';
import { articleFilterShape, BlogFields, BlogRules, pageShape } from './blog-rules.js';
import { field, strictObject } from './schema/fields.js';

/** The blog's limits and fields, where its contracts are. */
export * from './blog-rules.js';

/** The RPC queue the blog service consumes. */
export const BLOG_QUEUE = 'blog.rpc';
/** The queue the blog service receives other services' events on. */
export const BLOG_EVENTS_QUEUE = 'blog.events';

export const NewArticle = strictObject(
  {
    title: BlogFields.title,
    description: BlogFields.description,
    body: BlogFields.body,
    tagList: BlogFields.tagList.default([]),
  },
  'must be an object with the article fields',
);
export type NewArticle = z.input<typeof NewArticle>;

/** Any of the article fields; a field left out stays as it is. */
export const ArticleChanges = strictObject(
  {
    title: BlogFields.title.optional(),
    description: BlogFields.description.optional(),
    body: BlogFields.body.optional(),
    tagList: BlogFields.tagList.optional(),
  },
  'must be an object with the article fields',
);
export type ArticleChanges = z.output<typeof ArticleChanges>;

/** Who is reading: the viewer's own `favorited` and `following` flags depend on it. */
const viewer = { viewerId: field.uuid().nullable() };
export type Viewer = z.infer<z.ZodObject<typeof viewer>>;
/**
 * Who is writing, from the verified access token. The username lets the blog know an author whose
 * `user.registered` event has not arrived yet (the event then fills in the rest).
 */
const actor = { viewerId: field.uuid(), username: BlogFields.username };
export type Actor = z.infer<z.ZodObject<typeof actor>>;

/**
 * Whether a list's reply counts every match too. A caller that holds the count already (the
 * gateway caches it beside the pages) leaves it out and saves the count query.
 */
const withCount = { withCount: field.flag().default(true) };

export const ArticleQuery = strictObject({
  ...viewer,
  ...articleFilterShape,
  ...pageShape({ coerce: false }),
  ...withCount,
});
export type ArticleFilter = Omit<z.input<typeof ArticleQuery>, 'viewerId'>;

/** A page of articles, with `articlesCount` unless the request left the count out. */
export const ArticlePage = ArticleList.extend({
  articlesCount: ArticleList.shape.articlesCount.optional(),
});
export type ArticlePage = z.infer<typeof ArticlePage>;

/** A page of an article's comments, newest first, with how many it has unless left out. */
export const CommentPage = z.object({
  comments: z.array(CommentView),
  commentsCount: z.number().int().min(0).optional(),
});
export type CommentPage = z.infer<typeof CommentPage>;

const Deleted = z.object({ deleted: z.literal(true) });
const bySlug = { slug: BlogFields.slug };

export const BlogRpc = {
  getProfile: defineRpc(
    'blog.profile.get',
    strictObject({ ...viewer, username: BlogFields.username }),
    ProfileView,
  ),
  follow: defineRpc(
    'blog.profile.follow',
    strictObject({ ...actor, target: BlogFields.username }),
    ProfileView,
  ),
  unfollow: defineRpc(
    'blog.profile.unfollow',
    strictObject({ ...actor, target: BlogFields.username }),
    ProfileView,
  ),
  listArticles: defineRpc('blog.article.list', ArticleQuery, ArticlePage),
  feed: defineRpc(
    'blog.article.feed',
    strictObject({ viewerId: field.uuid(), ...pageShape({ coerce: false }) }),
    ArticleList,
  ),
  getArticle: defineRpc('blog.article.get', strictObject({ ...viewer, ...bySlug }), ArticleView),
  createArticle: defineRpc(
    'blog.article.create',
    strictObject({ ...actor, article: NewArticle }),
    ArticleView,
  ),
  updateArticle: defineRpc(
    'blog.article.update',
    strictObject({ ...actor, ...bySlug, changes: ArticleChanges }),
    ArticleView,
  ),
  deleteArticle: defineRpc('blog.article.delete', strictObject({ ...actor, ...bySlug }), Deleted),
  favorite: defineRpc('blog.article.favorite', strictObject({ ...actor, ...bySlug }), ArticleView),
  unfavorite: defineRpc(
    'blog.article.unfavorite',
    strictObject({ ...actor, ...bySlug }),
    ArticleView,
  ),
  listComments: defineRpc(
    'blog.comment.list',
    strictObject({
      ...viewer,
      ...bySlug,
      ...pageShape({ coerce: false, of: 'comments' }),
      ...withCount,
    }),
    CommentPage,
  ),
  addComment: defineRpc(
    'blog.comment.add',
    strictObject({ ...actor, ...bySlug, body: BlogFields.comment }),
    CommentView,
  ),
  deleteComment: defineRpc(
    'blog.comment.delete',
    strictObject({ ...actor, ...bySlug, commentId: BlogFields.commentId }),
    Deleted,
  ),
  listTags: defineRpc('blog.tag.list', strictObject({}), z.array(z.string())),
  /** A user's new profile, applied to the authors projection before its event arrives. */
  applyAuthor: defineRpc('blog.author.apply', ProfileSnapshot, ProfileApplied),
  viewerFlags: defineRpc(
    'blog.viewer.flags',
    strictObject({
      viewerId: field.uuid(),
      slugs: field.list(BlogFields.slug, BlogRules.viewerFlagsMax, 'slugs'),
      usernames: field.list(BlogFields.username, BlogRules.viewerFlagsMax, 'usernames'),
    }),
    ViewerFlags,
  ),
} as const;
