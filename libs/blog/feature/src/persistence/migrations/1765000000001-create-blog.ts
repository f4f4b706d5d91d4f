import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The blog's schema. Each index exists for a query the service runs; the comment above it names
 * the query, and `test/list-query-plans.int.spec.ts` proves PostgreSQL uses it.
 */
export class CreateBlog1765000000001 implements MigrationInterface {
  name = 'CreateBlog1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A projection of the auth service's users, fed by its events; `version` orders them.
    await queryRunner.query(`
      CREATE TABLE authors (
        user_id uuid PRIMARY KEY,
        username text NOT NULL,
        bio text,
        image text,
        version integer NOT NULL
      )`);
    // Profiles and the author and favorited filters look authors up by name, ignoring case.
    await queryRunner.query(
      `CREATE UNIQUE INDEX authors_username_unique ON authors (lower(username))`,
    );

    // The primary key (follower first) serves the feed and every "do I follow them" flag.
    await queryRunner.query(`
      CREATE TABLE follows (
        follower_id uuid NOT NULL REFERENCES authors (user_id),
        followed_id uuid NOT NULL REFERENCES authors (user_id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (follower_id, followed_id),
        CONSTRAINT follows_not_self CHECK (follower_id <> followed_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE articles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        body text NOT NULL,
        tag_list text[] NOT NULL DEFAULT '{}',
        author_id uuid NOT NULL REFERENCES authors (user_id),
        favorites_count integer NOT NULL DEFAULT 0 CHECK (favorites_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', title), 'A') ||
          setweight(to_tsvector('english', description), 'B') ||
          setweight(to_tsvector('english', body), 'C')
        ) STORED
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX articles_slug_unique ON articles (slug)`);
    // The global list: newest first, the id breaking ties so pages never overlap.
    await queryRunner.query(
      `CREATE INDEX articles_newest_idx ON articles (created_at DESC, id DESC)`,
    );
    // The author filter, and the feed (one range of this index per followed author).
    await queryRunner.query(
      `CREATE INDEX articles_author_newest_idx ON articles (author_id, created_at DESC, id DESC)`,
    );
    // The tag filter: tag_list @> ARRAY[tag].
    await queryRunner.query(`CREATE INDEX articles_tags_idx ON articles USING gin (tag_list)`);
    // Full-text search: search @@ websearch_to_tsquery('english', q).
    await queryRunner.query(`CREATE INDEX articles_search_idx ON articles USING gin (search)`);

    // The primary key (user first) serves the favorited filter and every "did I favorite it" flag.
    await queryRunner.query(`
      CREATE TABLE favorites (
        user_id uuid NOT NULL REFERENCES authors (user_id),
        article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, article_id)
      )`);
    // Deleting an article deletes its favorites through this index.
    await queryRunner.query(`CREATE INDEX favorites_article_idx ON favorites (article_id)`);

    await queryRunner.query(`
      CREATE TABLE comments (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        author_id uuid NOT NULL REFERENCES authors (user_id),
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // An article's comments, newest first (ids grow with time), and their deletion with it.
    await queryRunner.query(`CREATE INDEX comments_article_idx ON comments (article_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE comments`);
    await queryRunner.query(`DROP TABLE favorites`);
    await queryRunner.query(`DROP TABLE articles`);
    await queryRunner.query(`DROP TABLE follows`);
    await queryRunner.query(`DROP TABLE authors`);
  }
}
