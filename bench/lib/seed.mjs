import pg from 'pg';

/**
 * Writes `count` articles by 200 authors straight into a blog database, in bulk: the rows the
 * blog's own events and RPCs would have written, without the hours that would take.
 */
export async function seedArticles(databaseUrl, count) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO authors (user_id, username, bio, image, version)
      SELECT gen_random_uuid(), 'author' || n, 'Writes about caching', NULL, 1
      FROM generate_series(1, 200) AS n`);
    await client.query(
      `INSERT INTO articles (slug, title, description, body, tag_list, author_id, favorites_count, created_at, updated_at)
       SELECT 'article-' || n, 'Article number ' || n, 'What article ' || n || ' is about',
              repeat('A paragraph of body text. ', 40), ARRAY['tag' || (n % 50), 'caching'],
              (SELECT user_id FROM authors ORDER BY username OFFSET (n % 200) LIMIT 1), n % 7,
              now() - n * interval '1 minute', now() - n * interval '1 minute'
       FROM generate_series(1, $1) AS n`,
      [count],
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
