import { z } from 'zod';
import { AccountRules } from './account-rules.js';
import { defineRpc } from './rpc.js';
import { ArticleList, ArticleView, CommentView, ProfileView, ViewerFlags } from './blog-views.js';
import { characterCount, field, isStorable, Messages, strictObject } from './schema/fields.js';

/** The RPC queue the blog service consumes. */
export const BLOG_QUEUE = 'blog.rpc';
/** The queue the blog service receives other services' events on. */
export const BLOG_EVENTS_QUEUE = 'blog.events';

/** Limits of the blog's fields: one place for the gateway, the blog service and the tests. */
export const BlogRules = {
  titleMaxLength: 200,
  descriptionMaxLength: 500,
  bodyMaxLength: 50_000,
  tagMaxLength: 40,
  tagsMax: 10,
  commentMaxLength: 5_000,
  listLimitDefault: 20,
  listLimitMax: 100,
  /** Deep pages cost a scan of everything before them; nobody reads page 500. */
  listOffsetMax: 10_000,
  searchMaxLength: 200,
  /** A title's slug plus its random suffix fits easily. */
  slugMaxLength: 300,
  /** Articles and authors on one page whose per-reader flags the gateway asks for at once. */
  viewerFlagsMax: 1_000,
} as const;

/** Tags trimmed, blanks dropped, duplicates removed, sorted: what gets stored. */
const tagList = z
  .array(
    z
      .string('must be a list of tags')
      .trim()
      .refine(isStorable, Messages.unstorable)
      .refine(
        (tag) => characterCount(tag) <= BlogRules.tagMaxLength,
        `has a tag that ${Messages.tooLong(BlogRules.tagMaxLength)}`,
      ),
    'must be a list of tags',
  )
  .transform((tags) => [...new Set(tags.filter(Boolean))].sort())
  .refine(
    (tags) => tags.length <= BlogRules.tagsMax,
    `has too many tags (maximum is ${BlogRules.tagsMax})`,
  );

/** The blog's fields as every edge reads them. */
export const BlogFields = {
  title: field.text(BlogRules.titleMaxLength),
  description: field.text(BlogRules.descriptionMaxLength),
  body: field.text(BlogRules.bodyMaxLength, { trim: false }),
  tagList,
  comment: field.text(BlogRules.commentMaxLength, { trim: false }),
  slug: field.text(BlogRules.slugMaxLength),
  username: field.text(AccountRules.usernameMaxLength),
  commentId: field.count(1, 2 ** 31 - 1),
};

/** `limit` and `offset` of a list; from a query string they arrive as text (`coerce`). */
export function pageShape({ coerce }: { coerce: boolean }) {
  return {
    limit: field.count(1, BlogRules.listLimitMax, { coerce }).default(BlogRules.listLimitDefault),
    offset: field.count(0, BlogRules.listOffsetMax, { coerce }).default(0),
  };
}

/** The filters of the article list; every given one must hold. */
export const articleFilterShape = {
  tag: field.filter(BlogRules.tagMaxLength),
  /** Username of the author. */
  author: field.filter(AccountRules.usernameMaxLength),
  /** Username of someone who favorited the article. */
  favorited: field.filter(AccountRules.usernameMaxLength),
  /** Full-text search in title, description and body, best match first. */
  q: field.filter(BlogRules.searchMaxLength),
};

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

export const ArticleQuery = strictObject({
  ...viewer,
  ...articleFilterShape,
  ...pageShape({ coerce: false }),
});
export type ArticleFilter = Omit<z.input<typeof ArticleQuery>, 'viewerId'>;

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
  listArticles: defineRpc('blog.article.list', ArticleQuery, ArticleList),
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
    strictObject({ ...viewer, ...bySlug }),
    z.array(CommentView),
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
