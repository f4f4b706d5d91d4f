import type { ArticleCriteria, Page } from './list-criteria.js';

/** SQL text with `$n` placeholders and their values: input never becomes part of the text. */
export interface SqlQuery {
  readonly text: string;
  readonly values: unknown[];
}

/** One article row as the queries below return it. */
export interface ArticleRow {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly body?: string;
  readonly tag_list: string[];
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly favorites_count: number;
  readonly username: string;
  readonly bio: string | null;
  readonly image: string | null;
  readonly favorited: boolean;
  readonly following: boolean;
}

class Parameters {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Selects articles (`a`, from `source`) with their authors and the viewer's two flags. With no
 * viewer the parameter is NULL and both flags are false.
 */
function selectArticles(
  params: Parameters,
  viewerId: string | null,
  withBody: boolean,
  source = 'articles a',
): string {
  const viewer = `${params.add(viewerId)}::uuid`;
  return `SELECT a.slug, a.title, a.description, ${withBody ? 'a.body, ' : ''}a.tag_list,
      a.created_at, a.updated_at, a.favorites_count,
      au.username, au.bio, au.image,
      EXISTS (SELECT 1 FROM favorites f WHERE f.user_id = ${viewer} AND f.article_id = a.id) AS favorited,
      EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = ${viewer} AND fo.followed_id = a.author_id) AS following
    FROM ${source} JOIN authors au ON au.user_id = a.author_id`;
}

const authorIdByName = (placeholder: string) =>
  `(SELECT user_id FROM authors WHERE lower(username) = lower(${placeholder}))`;

/**
 * The WHERE clause for the criteria. Each condition is written so an index serves it (see the
 * migration): an unknown username makes its sub-select NULL, which matches nothing.
 */
function conditions(params: Parameters, criteria: ArticleCriteria): string {
  const where: string[] = [];
  if (criteria.tag !== undefined) where.push(`a.tag_list @> ARRAY[${params.add(criteria.tag)}]`);
  if (criteria.author !== undefined) {
    where.push(`a.author_id = ${authorIdByName(params.add(criteria.author))}`);
  }
  if (criteria.favorited !== undefined) {
    where.push(
      `a.id IN (SELECT f.article_id FROM favorites f WHERE f.user_id = ${authorIdByName(params.add(criteria.favorited))})`,
    );
  }
  if (criteria.followedBy !== undefined) {
    where.push(
      `a.author_id IN (SELECT fo.followed_id FROM follows fo WHERE fo.follower_id = ${params.add(criteria.followedBy)}::uuid)`,
    );
  }
  if (criteria.q !== undefined) {
    where.push(`a.search @@ websearch_to_tsquery('english', ${params.add(criteria.q)})`);
  }
  return where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
}

/** Newest first; a search puts the best matches (ts_rank: title over description over body) first. */
function ordering(params: Parameters, criteria: ArticleCriteria): string {
  const newest = 'a.created_at DESC, a.id DESC';
  if (criteria.q === undefined) return newest;
  return `ts_rank(a.search, websearch_to_tsquery('english', ${params.add(criteria.q)})) DESC, ${newest}`;
}

/**
 * One page of the articles matching the criteria, without their bodies. The page's ids are found
 * first, from the ordering's index alone; only those rows are then read, joined to their authors
 * and flagged: the rows an OFFSET skips cost an index entry each, not a row, a join and two flags.
 */
export function articlePageQuery(
  criteria: ArticleCriteria,
  page: Page,
  viewerId: string | null,
): SqlQuery {
  const params = new Parameters();
  const pageIds = `(SELECT a.id FROM articles a
      ${conditions(params, criteria)}
      ORDER BY ${ordering(params, criteria)}
      LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}) page`;
  const select = selectArticles(params, viewerId, false, `${pageIds} JOIN articles a USING (id)`);
  const text = `${select}
    ORDER BY ${ordering(params, criteria)}`;
  return { text, values: params.values };
}

/** How many articles match the criteria in all, for `articlesCount`. */
export function articleCountQuery(criteria: ArticleCriteria): SqlQuery {
  const params = new Parameters();
  const text = `SELECT count(*)::int AS count FROM articles a ${conditions(params, criteria)}`;
  return { text, values: params.values };
}

/** One whole article, by slug or by id. */
export function articleQuery(
  key: { readonly slug: string } | { readonly id: string },
  viewerId: string | null,
): SqlQuery {
  const params = new Parameters();
  const select = selectArticles(params, viewerId, true);
  const where =
    'slug' in key ? `a.slug = ${params.add(key.slug)}` : `a.id = ${params.add(key.id)}::uuid`;
  return { text: `${select} WHERE ${where}`, values: params.values };
}
