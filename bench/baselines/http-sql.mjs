// Baseline for cache misses: a bare Node `http` server that answers `GET /api/articles?limit=&offset=`
// from PostgreSQL directly, with the blog's own SQL (imported from the blog's query builder, so
// it stays the same SQL) and a pool as large as the blog's, in the JSON the gateway answers. The
// total count is read once and kept, as the gateway keeps it in its cache for every page of a
// list: on a miss the blog runs the page query alone.
import http from 'node:http';
import pg from 'pg';
import {
  articleCountQuery,
  articlePageQuery,
} from '../../libs/blog/feature/src/articles/article-queries.ts';

/** The blog's pool size (`extra.max` in @capstone/persistence). */
const POOL_SIZE = 10;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: POOL_SIZE });

/** As the blog's toArticleListItem and toProfileView shape a row. */
const toArticleListItem = (row) => ({
  slug: row.slug,
  title: row.title,
  description: row.description,
  tagList: row.tag_list,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  favorited: row.favorited,
  favoritesCount: row.favorites_count,
  author: { username: row.username, bio: row.bio, image: row.image, following: row.following },
});

const count = articleCountQuery({});
const {
  rows: [{ count: articlesCount }],
} = await pool.query(count.text, count.values);

http
  .createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    try {
      const page = articlePageQuery({}, { limit, offset }, null);
      const { rows } = await pool.query(page.text, page.values);
      const body = JSON.stringify({ articles: rows.map(toArticleListItem), articlesCount });
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
