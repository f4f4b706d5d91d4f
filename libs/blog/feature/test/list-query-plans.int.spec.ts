import { beforeAll, describe, expect, it } from 'vitest';
import {
  articleCountQuery,
  articlePageQuery,
  type SqlQuery,
} from '../src/articles/article-queries.js';
import type { ArticleCriteria } from '../src/articles/list-criteria.js';
import { useBlogContext } from './support/blog-context.js';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/**
 * Proves the list queries use the indexes made for them. 1,000 authors who each follow 3 others,
 * 5,000 articles (5 per author) with one of 100 tags each, 5,000 favorites: seeded in a moment,
 * yet large enough that reading a whole table costs PostgreSQL more than using an index.
 */
describe('query plans of the article lists', () => {
  const blog = useBlogContext('blog_plans');
  const userId = (n: string) => `('00000000-0000-4000-8000-' || lpad((${n})::text, 12, '0'))::uuid`;
  /** About a kilobyte of text, so rows are article-sized: on tiny rows a full scan is cheaper. */
  const FILLER = `repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 20)`;

  /** author1: follows authors 2 to 4, favorited 10 articles. */
  const reader = '00000000-0000-4000-8000-000000000001';

  beforeAll(async () => {
    await blog.dataSource.query(`
      INSERT INTO authors (user_id, username, version)
      SELECT ${userId('n')}, 'author' || n, 1 FROM generate_series(1, 1000) AS n`);
    await blog.dataSource.query(`
      INSERT INTO articles (slug, title, description, body, tag_list, author_id, created_at, updated_at)
      SELECT 'article-' || n, 'Article ' || n, 'About topic ' || (n % 50),
             'Body of article ' || n || ' on topic ' || (n % 50) || '. ' || ${FILLER},
             ARRAY['tag' || (n % 100)],
             ${userId('n % 1000 + 1')}, now() - n * interval '1 minute', now() - n * interval '1 minute'
      FROM generate_series(1, 5000) AS n`);
    await blog.dataSource.query(`
      INSERT INTO follows (follower_id, followed_id)
      SELECT ${userId('k')}, ${userId('(k + j - 1) % 1000 + 1')}
      FROM generate_series(1, 1000) AS k, generate_series(1, 3) AS j`);
    await blog.dataSource.query(`
      INSERT INTO favorites (user_id, article_id)
      SELECT ${userId('k')}, a.id
      FROM generate_series(1, 500) AS k CROSS JOIN generate_series(1, 10) AS j
      JOIN articles a ON a.slug = 'article-' || ((k * 7 + j * 13) % 5000 + 1)
      ON CONFLICT DO NOTHING`);
    await blog.dataSource.query('ANALYZE');
  });

  async function plan(query: SqlQuery): Promise<PlanNode[]> {
    const [row] = await blog.dataSource.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
      `EXPLAIN (FORMAT JSON) ${query.text}`,
      query.values,
    );
    if (!row) throw new Error(`no plan for ${query.text}`);
    return nodesOf(row['QUERY PLAN'][0].Plan);
  }

  const cases: [string, string, ArticleCriteria][] = [
    ['the global list', 'articles_newest_idx', {}],
    ['the author filter', 'articles_author_newest_idx', { author: 'author7' }],
    ['the feed', 'articles_author_newest_idx', { followedBy: reader }],
    ['the tag filter', 'articles_tags_idx', { tag: 'tag42' }],
    ['the favorited filter', 'favorites_pkey', { favorited: 'author1' }],
    ['full-text search', 'articles_search_idx', { q: 'article 4242' }],
  ];

  it.each(cases)('%s uses %s', async (_, index, criteria) => {
    const nodes = await plan(articlePageQuery(criteria, { limit: 20, offset: 0 }, reader));
    expect(nodes.map((node) => node['Index Name'])).toContain(index);
    // Neither the rows nor the viewer's flags (favorites, follows) read a whole table.
    for (const table of ['articles', 'favorites', 'follows']) {
      expect(nodes).not.toContainEqual(
        expect.objectContaining({ 'Node Type': 'Seq Scan', 'Relation Name': table }),
      );
    }
  });

  it('a deep page finds its ids from the index alone, and reads only its own rows', async () => {
    const nodes = await plan(articlePageQuery({}, { limit: 20, offset: 2500 }, reader));
    expect(nodes).toContainEqual(
      expect.objectContaining({
        'Node Type': 'Index Only Scan',
        'Index Name': 'articles_newest_idx',
      }),
    );
    // The 2,500 skipped rows are not read, joined to their authors nor flagged.
    expect(nodes).not.toContainEqual(
      expect.objectContaining({ 'Node Type': 'Index Scan', 'Index Name': 'articles_newest_idx' }),
    );
  });

  // The count of the unfiltered list has to visit every row; see the README on paging.
  it.each(cases.slice(1))('the count for %s uses %s too', async (_, index, criteria) => {
    const nodes = await plan(articleCountQuery(criteria));
    expect(nodes.map((node) => node['Index Name'])).toContain(index);
  });
});
