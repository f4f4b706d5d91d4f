import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@capstone/testing';
import {
  writeArticle,
  type ArticleBody,
  type ArticleListBody,
  type CommentBody,
  type CommentsBody,
  type ProfileBody,
} from './support/blog.js';
import { signUp, startStack, type Stack } from './support/stack.js';

const ISO_WITH_MILLISECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type CommentPageBody = CommentsBody & { commentsCount: number };
type ErrorsBody = { errors: Record<string, string[]> };

describe('the blog through the gateway (RealWorld)', () => {
  let stack: Stack;
  let alice: Awaited<ReturnType<typeof signUp>>;
  let bob: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    stack = await startStack('blog');
    [alice, bob] = await Promise.all([signUp(stack.api), signUp(stack.api)]);
  });

  afterAll(() => stack?.stop());

  describe('articles', () => {
    it('creates an article (201) in the RealWorld shape, tags sorted and de-duplicated', async () => {
      const response = await stack.api.request<ArticleBody>('POST', '/api/articles', {
        token: alice.token,
        body: {
          article: {
            title: 'How to Train Your Dragon',
            description: 'Ever wonder how?',
            body: 'It takes a Jacobian',
            tagList: ['training', 'dragons', 'training'],
          },
        },
      });
      expect(response.status).toBe(201);
      expect(response.body.article).toEqual({
        slug: expect.stringMatching(/^how-to-train-your-dragon-[a-z0-9]+$/),
        title: 'How to Train Your Dragon',
        description: 'Ever wonder how?',
        body: 'It takes a Jacobian',
        tagList: ['dragons', 'training'],
        createdAt: expect.stringMatching(ISO_WITH_MILLISECONDS),
        updatedAt: expect.stringMatching(ISO_WITH_MILLISECONDS),
        favorited: false,
        favoritesCount: 0,
        author: { username: alice.username, bio: null, image: null, following: false },
      });
    });

    it('reads one article by slug, and answers 404 for an unknown slug', async () => {
      const article = await writeArticle(stack.api, alice.token);
      const read = await stack.api.request<ArticleBody>('GET', `/api/articles/${article.slug}`);
      expect(read.status).toBe(200);
      expect(read.body.article.slug).toBe(article.slug);
      const missing = await stack.api.request('GET', '/api/articles/no-such-article');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ errors: { article: ['not found'] } });
    });

    it('edits: the slug stays on a body change, a new title gives a new slug and the old one is gone', async () => {
      const article = await writeArticle(stack.api, alice.token, { title: 'Original title' });
      const bodyOnly = await stack.api.request<ArticleBody>(
        'PUT',
        `/api/articles/${article.slug}`,
        {
          token: alice.token,
          body: { article: { body: 'A better body' } },
        },
      );
      expect(bodyOnly.status).toBe(200);
      expect(bodyOnly.body.article).toMatchObject({
        slug: article.slug,
        body: 'A better body',
        title: 'Original title',
      });

      const retitled = await stack.api.request<ArticleBody>(
        'PUT',
        `/api/articles/${article.slug}`,
        {
          token: alice.token,
          body: { article: { title: 'A new title' } },
        },
      );
      expect(retitled.body.article.slug).toMatch(/^a-new-title-/);
      expect((await stack.api.request('GET', `/api/articles/${article.slug}`)).status).toBe(404);
      expect(
        (await stack.api.request('GET', `/api/articles/${retitled.body.article.slug}`)).status,
      ).toBe(200);
    });

    it("refuses to edit or delete another user's article (403) and needs a token (401)", async () => {
      const article = await writeArticle(stack.api, alice.token);
      const edit = await stack.api.request('PUT', `/api/articles/${article.slug}`, {
        token: bob.token,
        body: { article: { body: 'mine now' } },
      });
      expect(edit.status).toBe(403);
      expect(edit.body).toEqual({ errors: { article: ['is not yours'] } });
      expect(
        (await stack.api.request('DELETE', `/api/articles/${article.slug}`, { token: bob.token }))
          .status,
      ).toBe(403);
      const anonymous = await stack.api.request('POST', '/api/articles', {
        body: { article: { title: 't', description: 'd', body: 'b' } },
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ errors: { token: ['is missing'] } });
    });

    it('deletes an article (204) with its comments', async () => {
      const article = await writeArticle(stack.api, alice.token);
      await stack.api.request('POST', `/api/articles/${article.slug}/comments`, {
        token: bob.token,
        body: { comment: { body: 'Nice' } },
      });
      expect(
        (await stack.api.request('DELETE', `/api/articles/${article.slug}`, { token: alice.token }))
          .status,
      ).toBe(204);
      expect((await stack.api.request('GET', `/api/articles/${article.slug}`)).status).toBe(404);
      expect(
        (await stack.api.request('GET', `/api/articles/${article.slug}/comments`)).status,
      ).toBe(404);
    });

    it.each([
      ['title', { description: 'd', body: 'b' }, "can't be blank"],
      ['description', { title: 't', description: '', body: 'b' }, "can't be blank"],
      [
        'body',
        { title: 't', description: 'd', body: 'x'.repeat(50_001) },
        'is too long (maximum is 50000 characters)',
      ],
      [
        'tagList',
        { title: 't', description: 'd', body: 'b', tagList: 'not-a-list' },
        'must be a list of tags',
      ],
    ])('answers 422 naming %s', async (field, article, message) => {
      const response = await stack.api.request('POST', '/api/articles', {
        token: alice.token,
        body: { article },
      });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ errors: { [field]: [message] } });
    });

    it('keeps unicode titles, SQL fragments and long strings as plain data', async () => {
      const hostile = "Robert'); DROP TABLE articles;-- ";
      const article = await writeArticle(stack.api, alice.token, {
        title: 'Café Ünïcödé — 日本語のタイトル',
        body: `${hostile}${'long '.repeat(5_000)}`,
        tagList: [hostile.trim(), 'tag'],
      });
      const read = await stack.api.request<ArticleBody>('GET', `/api/articles/${article.slug}`);
      expect(read.body.article.title).toBe('Café Ünïcödé — 日本語のタイトル');
      expect(read.body.article.body.startsWith(hostile)).toBe(true);
      const byTag = await stack.api.request<ArticleListBody>(
        'GET',
        `/api/articles?tag=${encodeURIComponent(hostile.trim())}`,
      );
      expect(byTag.body.articles.map((item) => item.slug)).toEqual([article.slug]);
      expect((await stack.api.request('GET', '/api/tags')).status).toBe(200);
    });
  });

  describe('text no database can store', () => {
    const unstorable = 'contains characters that cannot be stored (NUL or an unpaired surrogate)';

    it.each([
      ['/api/articles?q=%00abc', 'q'],
      ['/api/articles?tag=a%00b', 'tag'],
      ['/api/articles?author=%00', 'author'],
      ['/api/articles/a%00b', 'slug'],
      ['/api/profiles/a%00b', 'username'],
    ])('answers GET %s with 422 naming %s, never a 500', async (path, field) => {
      const response = await stack.api.request('GET', path);
      expect(response.status).toBe(422);
      expect(response.body).toEqual({ errors: { [field]: [unstorable] } });
    });

    it('refuses a NUL in an article title and a lone surrogate in a comment with 422', async () => {
      const titled = await stack.api.request('POST', '/api/articles', {
        token: alice.token,
        body: { article: { title: 'a\u0000b', description: 'd', body: 'b' } },
      });
      expect([titled.status, titled.body]).toEqual([422, { errors: { title: [unstorable] } }]);

      const article = await writeArticle(stack.api, alice.token, { title: 'Surrogates' });
      const commented = await stack.api.request('POST', `/api/articles/${article.slug}/comments`, {
        token: alice.token,
        body: { comment: { body: 'half a pair \ud83d' } },
      });
      expect([commented.status, commented.body]).toEqual([422, { errors: { body: [unstorable] } }]);
    });
  });

  describe('lists', () => {
    let carol: Awaited<ReturnType<typeof signUp>>;
    const tag = `list-${Date.now().toString(36)}`;

    beforeAll(async () => {
      carol = await signUp(stack.api);
      for (let i = 0; i < 5; i += 1) {
        await writeArticle(stack.api, carol.token, {
          title: `Carol ${i}`,
          tagList: i % 2 === 0 ? [tag] : ['other'],
        });
      }
    });

    it('filters by author, newest first, omitting bodies, and counts all matches not the page', async () => {
      const page = await stack.api.request<ArticleListBody>(
        'GET',
        `/api/articles?author=${carol.username}&limit=2`,
      );
      expect(page.status).toBe(200);
      expect(page.body.articlesCount).toBe(5);
      expect(page.body.articles.map((item) => item.title)).toEqual(['Carol 4', 'Carol 3']);
      expect(page.body.articles[0]).not.toHaveProperty('body');

      const next = await stack.api.request<ArticleListBody>(
        'GET',
        `/api/articles?author=${carol.username}&limit=2&offset=2`,
      );
      expect(next.body.articles.map((item) => item.title)).toEqual(['Carol 2', 'Carol 1']);
    });

    it('combines filters: tag, author and favorited', async () => {
      const tagged = await stack.api.request<ArticleListBody>(
        'GET',
        `/api/articles?tag=${tag}&author=${carol.username}`,
      );
      expect(tagged.body.articlesCount).toBe(3);

      const [first] = tagged.body.articles;
      await stack.api.request('POST', `/api/articles/${first?.slug}/favorite`, {
        token: bob.token,
      });
      const favorited = await stack.api.request<ArticleListBody>(
        'GET',
        `/api/articles?favorited=${bob.username}&tag=${tag}`,
      );
      expect(favorited.body.articles.map((item) => item.slug)).toEqual([first?.slug]);
      expect(favorited.body.articlesCount).toBe(1);
    });

    it('reads author and favorited with the username rule of the accounts', async () => {
      const response = await stack.api.request('GET', '/api/articles?author=no%20spaces');
      expect([response.status, response.body]).toEqual([
        422,
        { errors: { author: ['may only contain letters, digits, _, - and .'] } },
      ]);
    });

    it('answers an unknown author or favorited name with an empty list', async () => {
      for (const query of ['author=nobody-at-all', 'favorited=nobody-at-all']) {
        const response = await stack.api.request<ArticleListBody>('GET', `/api/articles?${query}`);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ articles: [], articlesCount: 0 });
      }
    });

    it('bounds limit and offset with 422', async () => {
      for (const [query, field] of [
        ['limit=101', 'limit'],
        ['limit=0', 'limit'],
        ['offset=-1', 'offset'],
        ['limit=abc', 'limit'],
      ] as const) {
        const response = await stack.api.request<{ errors: Record<string, string[]> }>(
          'GET',
          `/api/articles?${query}`,
        );
        expect(response.status).toBe(422);
        expect(Object.keys(response.body.errors)).toEqual([field]);
      }
    });

    it('searches titles, descriptions and bodies with q, best match first', async () => {
      const word = `zebra${Date.now().toString(36)}`;
      const inTitle = await writeArticle(stack.api, alice.token, { title: `All about ${word}` });
      const inBody = await writeArticle(stack.api, alice.token, {
        body: `Somewhere here is a ${word}.`,
      });
      const response = await stack.api.request<ArticleListBody>('GET', `/api/articles?q=${word}`);
      expect(response.body.articles.map((item) => item.slug)).toEqual([inTitle.slug, inBody.slug]);
      expect(response.body.articlesCount).toBe(2);
    });

    it('gives the feed: articles by followed authors only, and needs a token', async () => {
      const reader = await signUp(stack.api);
      expect(
        (
          await stack.api.request('POST', `/api/profiles/${carol.username}/follow`, {
            token: reader.token,
          })
        ).status,
      ).toBe(200);
      const feed = await stack.api.request<ArticleListBody>('GET', '/api/articles/feed?limit=3', {
        token: reader.token,
      });
      expect(feed.status).toBe(200);
      expect(feed.body.articlesCount).toBe(5);
      expect(
        feed.body.articles.every(
          (item) => item.author.username === carol.username && item.author.following,
        ),
      ).toBe(true);
      expect((await stack.api.request('GET', '/api/articles/feed')).status).toBe(401);
    });

    it('lists the tags in use', async () => {
      const response = await stack.api.request<{ tags: string[] }>('GET', '/api/tags');
      expect(response.body.tags).toEqual(expect.arrayContaining([tag, 'other']));
    });
  });

  describe('favorites, comments and profiles', () => {
    it('favorites and unfavorites, with favorited from the caller’s point of view', async () => {
      const article = await writeArticle(stack.api, alice.token);
      const path = `/api/articles/${article.slug}`;
      const seenBy = async (token?: string) =>
        (await stack.api.request<ArticleBody>('GET', path, { token })).body.article;
      const favorite = await stack.api.request<ArticleBody>('POST', `${path}/favorite`, {
        token: bob.token,
      });
      expect(favorite.body.article).toMatchObject({ favorited: true, favoritesCount: 1 });
      expect((await seenBy(bob.token)).favorited).toBe(true);
      expect((await seenBy(alice.token)).favorited).toBe(false);
      expect(await seenBy()).toMatchObject({ favorited: false, favoritesCount: 1 });

      const unfavorite = await stack.api.request<ArticleBody>('DELETE', `${path}/favorite`, {
        token: bob.token,
      });
      expect(unfavorite.body.article).toMatchObject({ favorited: false, favoritesCount: 0 });
      expect(
        (await stack.api.request('POST', '/api/articles/no-such/favorite', { token: bob.token }))
          .status,
      ).toBe(404);
    });

    it('adds, lists and deletes comments; only their author may delete them', async () => {
      const article = await writeArticle(stack.api, alice.token);
      const added = await stack.api.request<CommentBody>(
        'POST',
        `/api/articles/${article.slug}/comments`,
        {
          token: bob.token,
          body: { comment: { body: '<script>alert(1)</script> thanks' } },
        },
      );
      expect(added.status).toBe(201);
      expect(added.body.comment).toEqual({
        id: expect.any(Number),
        createdAt: expect.stringMatching(ISO_WITH_MILLISECONDS),
        updatedAt: expect.stringMatching(ISO_WITH_MILLISECONDS),
        body: '<script>alert(1)</script> thanks',
        author: { username: bob.username, bio: null, image: null, following: false },
      });
      const listed = await stack.api.request<CommentsBody>(
        'GET',
        `/api/articles/${article.slug}/comments`,
      );
      expect(listed.body.comments.map((comment) => comment.id)).toEqual([added.body.comment.id]);

      const path = `/api/articles/${article.slug}/comments/${added.body.comment.id}`;
      expect((await stack.api.request('DELETE', path, { token: alice.token })).status).toBe(403);
      expect((await stack.api.request('DELETE', path, { token: bob.token })).status).toBe(204);
      expect((await stack.api.request('DELETE', path, { token: bob.token })).status).toBe(404);
      // Ids that fit no comment (not a number, beyond PostgreSQL's integer) name no comment.
      for (const id of ['abc', '99999999999', '0']) {
        const missing = await stack.api.request(
          'DELETE',
          `/api/articles/${article.slug}/comments/${id}`,
          { token: bob.token },
        );
        expect([missing.status, missing.body], id).toEqual([
          404,
          { errors: { comment: ['not found'] } },
        ]);
      }

      const blank = await stack.api.request('POST', `/api/articles/${article.slug}/comments`, {
        token: bob.token,
        body: { comment: { body: '' } },
      });
      expect(blank.status).toBe(422);
      expect(blank.body).toEqual({ errors: { body: ["can't be blank"] } });
    });

    it('shows profiles, follows and unfollows, and refuses unknown users', async () => {
      const path = `/api/profiles/${alice.username}`;
      expect((await stack.api.request<ProfileBody>('GET', path)).body).toEqual({
        profile: { username: alice.username, bio: null, image: null, following: false },
      });
      const follow = await stack.api.request<ProfileBody>('POST', `${path}/follow`, {
        token: bob.token,
      });
      expect(follow.body.profile.following).toBe(true);
      expect(
        (await stack.api.request<ProfileBody>('GET', path, { token: bob.token })).body.profile
          .following,
      ).toBe(true);
      const unfollow = await stack.api.request<ProfileBody>('DELETE', `${path}/follow`, {
        token: bob.token,
      });
      expect(unfollow.body.profile.following).toBe(false);
      expect((await stack.api.request('GET', '/api/profiles/nobody-at-all')).status).toBe(404);
      expect((await stack.api.request('POST', `${path}/follow`)).status).toBe(401);
    });

    it('answers a name no account can have as no such profile (404), not as a bad request', async () => {
      const notFound = [404, { errors: { profile: ['not found'] } }];
      for (const name of ['no%20spaces', 'x'.repeat(41), 'caf%C3%A9']) {
        const read = await stack.api.request('GET', `/api/profiles/${name}`);
        expect([read.status, read.body], name).toEqual(notFound);
        const follow = await stack.api.request('POST', `/api/profiles/${name}/follow`, {
          token: bob.token,
        });
        expect([follow.status, follow.body], name).toEqual(notFound);
      }
    });
  });

  describe('limits of the lists (OWASP API4)', () => {
    let slug: string;
    /** The ids of the article's 150 comments, newest first. */
    let newestFirst: number[];

    beforeAll(async () => {
      ({ slug } = await writeArticle(stack.api, alice.token));
      newestFirst = [];
      for (let batch = 0; batch < 10; batch += 1) {
        const added = await Promise.all(
          Array.from({ length: 15 }, (_, i) =>
            stack.api.request<CommentBody>('POST', `/api/articles/${slug}/comments`, {
              token: bob.token,
              body: { comment: { body: `comment ${batch * 15 + i}` } },
            }),
          ),
        );
        newestFirst.push(...added.map((response) => response.body.comment.id));
      }
      newestFirst.sort((a, b) => b - a);
    });

    const comments = (query = '') =>
      stack.api.request<CommentPageBody>('GET', `/api/articles/${slug}/comments${query}`);
    const ids = (page: { body: CommentPageBody }) =>
      page.body.comments.map((comment) => comment.id);

    it('answers the newest 100 comments by default, with how many there are', async () => {
      const page = await comments();
      expect(page.status).toBe(200);
      expect(ids(page)).toEqual(newestFirst.slice(0, 100));
      expect(page.body.commentsCount).toBe(150);
    });

    it('pages through comments with limit and offset, without gaps or repeats', async () => {
      const pages = [];
      for (let offset = 0; offset < 150; offset += 40) {
        pages.push(await comments(`?limit=40&offset=${offset}`));
      }
      expect(pages.map((page) => page.status)).toEqual([200, 200, 200, 200]);
      expect(pages.flatMap(ids)).toEqual(newestFirst);
      expect((await comments('?offset=150')).body).toEqual({ comments: [], commentsCount: 150 });
    });

    it('refuses a page of comments out of bounds with 422 naming the field', async () => {
      for (const [query, field] of [
        ['limit=101', 'limit'],
        ['limit=0', 'limit'],
        ['offset=10001', 'offset'],
        ['offset=-1', 'offset'],
      ] as const) {
        const response = await stack.api.request<ErrorsBody>(
          'GET',
          `/api/articles/${slug}/comments?${query}`,
        );
        expect([response.status, Object.keys(response.body.errors)], query).toEqual([422, [field]]);
      }
      expect((await comments('?offset=10000')).status).toBe(200);
    });

    it('bounds offset at 10,000 for the article list and the feed', async () => {
      for (const path of ['/api/articles', '/api/articles/feed']) {
        const beyond = await stack.api.request<ErrorsBody>('GET', `${path}?offset=10001`, {
          token: bob.token,
        });
        expect([beyond.status, beyond.body], path).toEqual([
          422,
          { errors: { offset: ['must be at most 10000'] } },
        ]);
        const last = await stack.api.request('GET', `${path}?offset=10000`, { token: bob.token });
        expect(last.status, path).toBe(200);
      }
    });

    it('documents the page of comments in /docs', async () => {
      type Parameter = { name: string; in: string; schema: object };
      const document = await stack.api.request<{
        paths: Record<string, Record<string, { parameters: Parameter[] }>>;
      }>('GET', '/docs-json');
      const parameters = document.body.paths['/api/articles/{slug}/comments']?.['get']?.parameters;
      const query = parameters
        ?.filter((parameter) => parameter.in === 'query')
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(query?.map((parameter) => [parameter.name, parameter.schema])).toEqual([
        ['limit', expect.objectContaining({ minimum: 1, maximum: 100, default: 100 })],
        ['offset', expect.objectContaining({ minimum: 0, maximum: 10_000, default: 0 })],
      ]);
    });
  });

  it('shows a username change on old articles once the user.updated event arrives', async () => {
    const writer = await signUp(stack.api);
    const article = await writeArticle(stack.api, writer.token);
    const renamed = `${writer.username}renamed`;
    const update = await stack.api.request('PUT', '/api/user', {
      token: writer.token,
      body: { user: { username: renamed, bio: 'new bio' } },
    });
    expect(update.status).toBe(200);
    const author = await waitFor(async () => {
      const read = await stack.api.request<ArticleBody>('GET', `/api/articles/${article.slug}`);
      return read.body.article.author.username === renamed ? read.body.article.author : undefined;
    });
    expect(author).toEqual({ username: renamed, bio: 'new bio', image: null, following: false });
    expect((await stack.api.request('GET', `/api/profiles/${writer.username}`)).status).toBe(404);
  });
});
