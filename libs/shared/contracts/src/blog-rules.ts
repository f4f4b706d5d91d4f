import { z } from 'zod';
import { AccountFields, AccountRules } from './account-rules.js';
import { characterCount, field, isStorable, Messages } from './schema/fields.js';

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
  /**
   * RealWorld clients ask for an article's comments without a page and show what they get: a large
   * first page keeps them working, the bound keeps one answer small.
   */
  commentLimitDefault: 100,
  /** Deep pages cost a scan of everything before them; nobody reads page 500. */
  listOffsetMax: 10_000,
  searchMaxLength: 200,
  /** A title's slug plus its random suffix fits easily. */
  slugMaxLength: 300,
  /** Articles and authors on one page whose per-reader flags the gateway asks for at once. */
  viewerFlagsMax: 1_000,
  /** Comment ids are PostgreSQL `integer`s: positive and 32-bit. */
  commentIdMax: 2 ** 31 - 1,
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

/** A comment's id; from a URL it arrives as text (`coerce`). */
export function commentIdField({ coerce }: { coerce: boolean }) {
  return field
    .count(1, BlogRules.commentIdMax, { coerce })
    .meta({ description: "The comment's id", example: 1 });
}

/** The blog's fields as every edge reads them; the examples are what `/docs` shows. */
export const BlogFields = {
  title: field.text(BlogRules.titleMaxLength).meta({ example: 'How to train your dragon' }),
  description: field.text(BlogRules.descriptionMaxLength).meta({ example: 'Ever wonder how?' }),
  body: field
    .text(BlogRules.bodyMaxLength, { trim: false })
    .meta({ example: 'You have to believe' }),
  tagList: tagList.meta({ example: ['dragons', 'training'] }),
  comment: field
    .text(BlogRules.commentMaxLength, { trim: false })
    .meta({ example: 'Thank you so much!' }),
  slug: field
    .text(BlogRules.slugMaxLength)
    .meta({ description: "The article's slug", example: 'how-to-train-your-dragon-k3x9qa' }),
  /** The accounts' own rule: a name the blog accepts is one an account can have. */
  username: AccountFields.username,
  commentId: commentIdField({ coerce: false }),
};

const defaultLimits = {
  articles: BlogRules.listLimitDefault,
  comments: BlogRules.commentLimitDefault,
} as const;

/**
 * `limit` and `offset` of a list of articles (the default) or comments; from a query string they
 * arrive as text (`coerce`).
 */
export function pageShape({
  coerce,
  of = 'articles',
}: {
  coerce: boolean;
  of?: keyof typeof defaultLimits;
}) {
  return {
    limit: field
      .count(1, BlogRules.listLimitMax, { coerce })
      .default(defaultLimits[of])
      .meta({ description: `How many ${of} at most` }),
    offset: field
      .count(0, BlogRules.listOffsetMax, { coerce })
      .default(0)
      .meta({ description: `How many ${of} to skip: the page after is at offset + limit` }),
  };
}

/**
 * A username filter: blank is no filter, text no database can store is refused as such, and
 * anything else must be a username an account can have.
 */
const usernameFilter = field
  .filter(AccountRules.usernameMaxLength)
  .pipe(BlogFields.username.optional());

/** The filters of the article list; every given one must hold. */
export const articleFilterShape = {
  tag: field
    .filter(BlogRules.tagMaxLength)
    .meta({ description: 'Only articles with this tag', example: 'dragons' }),
  author: usernameFilter.meta({ description: 'Only articles by this username', example: 'jake' }),
  favorited: usernameFilter.meta({
    description: 'Only articles this username favorited',
    example: 'jake',
  }),
  q: field.filter(BlogRules.searchMaxLength).meta({
    description: 'Full-text search in title, description and body, best match first',
    example: 'dragons',
  }),
};
