import { BlogRpc, type UserProfileData } from '@capstone/contracts';
import { migrateUpAndDown } from '@capstone/testing';
import { describe, expect, it } from 'vitest';
import { ArticleReader } from '../src/articles/article-reader.js';
import { AuthorProjection } from '../src/authors/author-projection.js';
import { blogDataSourceOptions } from '../src/persistence/blog-data-source.js';
import { ProfilesService } from '../src/profiles/profiles.service.js';
import { failureOf, newUser, useBlogContext } from './support/blog-context.js';

const article = { title: 'Projection', description: 'About authors', body: 'Body' };

describe('the authors projection', () => {
  const blog = useBlogContext('blog_projection');
  const projection = () => blog.get(AuthorProjection);

  const profileOf = (username: string) =>
    blog.get(ProfilesService).get({ viewerId: null, username });
  const storedVersion = async (userId: string) =>
    (
      await blog.dataSource.query<{ version: number }[]>(
        'SELECT version FROM authors WHERE user_id = $1',
        [userId],
      )
    )[0]?.version;

  it('applies user.registered, and a repeat of it changes nothing', async () => {
    const user = newUser();
    expect(await projection().apply(user)).toBe(true);
    expect(await projection().apply(user)).toBe(false);
    expect(await profileOf(user.username)).toEqual({
      username: user.username,
      bio: null,
      image: null,
      following: false,
    });
  });

  it('applies newer versions and ignores older ones, in whatever order they arrive', async () => {
    const v1 = newUser();
    const v2: UserProfileData = { ...v1, bio: 'second', version: 2 };
    const v3: UserProfileData = {
      ...v1,
      bio: 'third',
      image: 'https://img.example/3.png',
      version: 3,
    };
    expect(await projection().apply(v3)).toBe(true);
    expect(await projection().apply(v1)).toBe(false);
    expect(await projection().apply(v2)).toBe(false);
    expect(await profileOf(v1.username)).toMatchObject({
      bio: 'third',
      image: 'https://img.example/3.png',
    });
    expect(await storedVersion(v1.userId)).toBe(3);
  });

  it('announces a change to a known author as author.updated, and a new author not at all', async () => {
    const v1 = newUser();
    const announced = async () =>
      (
        await blog.dataSource.query<{ name: string; data: { userId: string; username: string } }[]>(
          "SELECT name, data FROM outbox WHERE data->>'userId' = $1 ORDER BY occurred_at",
          [v1.userId],
        )
      ).map((row) => [row.name, row.data.username]);
    await projection().apply(v1);
    expect(await announced()).toEqual([]);
    await projection().apply({ ...v1, username: `${v1.username}x`, version: 2 });
    await projection().apply({ ...v1, username: `${v1.username}x`, version: 2 });
    expect(await announced()).toEqual([['author.updated', `${v1.username}x`]]);
  });

  it('applies the gateway’s copy of a change (blog.author.apply) by version, like the event', async () => {
    const v1 = newUser('copied');
    await projection().apply(v1);
    const v2 = { ...v1, username: `${v1.username}x`, bio: 'copied', version: 2 };
    expect(await blog.rpc(BlogRpc.applyAuthor, v2)).toEqual({ applied: true });
    expect(await profileOf(v2.username)).toMatchObject({ bio: 'copied' });
    // The user.updated event of the same version comes after it: nothing is left to do.
    expect(await projection().apply(v2)).toBe(false);
    expect(await blog.rpc(BlogRpc.applyAuthor, v1)).toEqual({ applied: false });
    expect(await storedVersion(v1.userId)).toBe(2);
    const authorEvents = await blog.outboxEvents<{ userId: string }>('author.updated');
    expect(authorEvents.filter((data) => data.userId === v1.userId)).toHaveLength(1);

    const refused = await failureOf(
      blog.rpc(BlogRpc.applyAuthor, { ...v2, version: 3_000_000_000, image: 'ftp://x' }),
    );
    expect([refused.status, refused.errors]).toEqual([
      422,
      { version: ['must be at most 2147483647'], image: ['must be an http(s) URL'] },
    ]);
  });

  it('shows a new username on the author’s old articles and comments at once', async () => {
    const user = newUser('before');
    await projection().apply(user);
    const actor = { viewerId: user.userId, username: user.username };
    const { slug } = await blog.rpc(BlogRpc.createArticle, { ...actor, article });
    await blog.rpc(BlogRpc.addComment, { ...actor, slug, body: 'My own comment' });

    const renamed: UserProfileData = { ...user, username: `after${user.username}`, version: 2 };
    await projection().apply(renamed);

    const reader = blog.get(ArticleReader);
    expect((await reader.get(slug, null)).author.username).toBe(renamed.username);
    const {
      comments: [comment],
    } = await blog.rpc(BlogRpc.listComments, { viewerId: null, slug });
    expect(comment?.author.username).toBe(renamed.username);
    const articlesCountBy = async (author: string) =>
      (await blog.rpc(BlogRpc.listArticles, { viewerId: null, author, limit: 20, offset: 0 }))
        .articlesCount;
    expect(await articlesCountBy(renamed.username)).toBe(1);
    expect(await articlesCountBy(user.username)).toBe(0);
    expect((await failureOf(profileOf(user.username))).status).toBe(404);
  });

  it('admits a writer before user.registered arrives, and lets the event fill in the rest', async () => {
    const user = newUser('early');
    const actor = { viewerId: user.userId, username: user.username };
    const created = await blog.rpc(BlogRpc.createArticle, { ...actor, article });
    expect(created.author).toEqual({
      username: user.username,
      bio: null,
      image: null,
      following: false,
    });
    expect(await storedVersion(user.userId)).toBe(0);

    expect(await projection().apply({ ...user, bio: 'Arrived late', version: 1 })).toBe(true);
    const seen = await blog.get(ArticleReader).get(created.slug, null);
    expect(seen.author).toMatchObject({ username: user.username, bio: 'Arrived late' });

    // The projection now knows the author: writing again does not reset them.
    await blog.rpc(BlogRpc.createArticle, { ...actor, article });
    expect(await storedVersion(user.userId)).toBe(1);
  });

  it('asks a new writer to retry (409) while their token’s name still belongs to someone else', async () => {
    // Y signed up with the name X just gave up, but X's rename has not arrived yet.
    const x = newUser('holder');
    await projection().apply(x);
    const y = { viewerId: newUser().userId, username: x.username };
    const refused = await failureOf(blog.rpc(BlogRpc.createArticle, { ...y, article }));
    expect([refused.status, refused.errors]).toEqual([
      409,
      { author: ['is not known yet; try again shortly'] },
    ]);
    expect(await storedVersion(y.viewerId)).toBeUndefined();
  });
});

describe('blog migrations', () => {
  it('create the schema from nothing and can be reverted completely', async () => {
    const roundTrip = await migrateUpAndDown('blog_migrations', (url) =>
      blogDataSourceOptions(url, false),
    );
    expect(roundTrip).toEqual({
      applied: [
        'CreateOutbox1764000000000',
        'CreateBlog1765000000001',
        'AddOutboxTraceContext1766000000000',
        'OutboxClaimsAndPurge1767000000000',
      ],
      tables: ['articles', 'authors', 'comments', 'favorites', 'follows', 'outbox'],
      appliedAgain: 0,
      tablesAfterUndo: [],
    });
  });
});
