import {
  BlogRpc,
  BlogRules,
  type CommentEventData,
  type FollowEventData,
} from '@capstone/contracts';
import { describe, expect, it } from 'vitest';
import { FavoritesService } from '../src/articles/favorites.service.js';
import { TagsService } from '../src/articles/tags.service.js';
import { ViewerFlagsService } from '../src/articles/viewer-flags.service.js';
import { CommentsService } from '../src/comments/comments.service.js';
import { ProfilesService } from '../src/profiles/profiles.service.js';
import { failureOf, useBlogContext } from './support/blog-context.js';

const draft = (title: string, tagList: string[] = []) => ({
  title,
  description: 'About it',
  body: 'The body',
  tagList,
});

describe('comments, profiles, tags and viewer flags on a real database', () => {
  const blog = useBlogContext('blog_social');
  const comments = () => blog.get(CommentsService);
  const profiles = () => blog.get(ProfilesService);
  /** The first page of an article's comments, as a viewer sees it. */
  const commentsOn = async (slug: string, viewerId: string | null = null) =>
    (await blog.rpc(BlogRpc.listComments, { viewerId, slug })).comments;

  describe('comments', () => {
    it('adds comments and lists them newest first, with following as each viewer sees it', async () => {
      const [jake, anna, ben] = await blog.registeredActors('jake', 'anna', 'ben');
      const { slug } = await blog.rpc(BlogRpc.createArticle, {
        ...jake,
        article: draft('Discuss'),
      });
      const first = await blog.rpc(BlogRpc.addComment, { ...anna, slug, body: 'First!' });
      const second = await blog.rpc(BlogRpc.addComment, { ...jake, slug, body: '  Thanks  ' });
      expect(first).toEqual({
        id: expect.any(Number),
        createdAt: expect.stringMatching(/\.\d{3}Z$/),
        updatedAt: first.createdAt,
        body: 'First!',
        author: { username: anna.username, bio: null, image: null, following: false },
      });
      expect(second.body).toBe('  Thanks  ');

      await profiles().follow({ ...ben, target: anna.username });
      const seenByBen = await commentsOn(slug, ben.viewerId);
      expect(seenByBen.map((comment) => [comment.body, comment.author.following])).toEqual([
        ['  Thanks  ', false],
        ['First!', true],
      ]);
      const anonymous = await commentsOn(slug);
      expect(anonymous.every((comment) => !comment.author.following)).toBe(true);
    });

    it('pages a long thread: 100 newest first by default, then limit and offset, with the count', async () => {
      const [jake, anna] = await blog.registeredActors('jake', 'anna');
      const { slug } = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Busy') });
      await blog.dataSource.query(
        `INSERT INTO comments (article_id, author_id, body)
         SELECT a.id, $2, 'comment ' || n FROM articles a, generate_series(1, 150) n
         WHERE a.slug = $1 ORDER BY n`,
        [slug, anna.viewerId],
      );
      const bodies = (page: { comments: { body: string }[] }) =>
        page.comments.map((comment) => comment.body);
      const newestFirst = Array.from({ length: 150 }, (_, i) => `comment ${150 - i}`);

      const first = await blog.rpc(BlogRpc.listComments, { viewerId: null, slug });
      expect(first.commentsCount).toBe(150);
      expect(bodies(first)).toEqual(newestFirst.slice(0, BlogRules.commentLimitDefault));

      const pages = [];
      for (let offset = 0; offset < 150; offset += 40) {
        pages.push(
          await blog.rpc(BlogRpc.listComments, { viewerId: null, slug, limit: 40, offset }),
        );
      }
      expect(pages.flatMap(bodies)).toEqual(newestFirst);
      expect(pages.map((page) => page.commentsCount)).toEqual([150, 150, 150, 150]);

      const uncounted = await blog.rpc(BlogRpc.listComments, {
        viewerId: null,
        slug,
        limit: 40,
        withCount: false,
      });
      expect(uncounted).toEqual({ comments: pages[0]?.comments });
    });

    it('refuses a page of comments out of bounds with 422 naming the field', async () => {
      const jake = await blog.registeredActor();
      const { slug } = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Bounds') });
      for (const [page, field] of [
        [{ limit: BlogRules.listLimitMax + 1 }, 'limit'],
        [{ limit: 0 }, 'limit'],
        [{ offset: BlogRules.listOffsetMax + 1 }, 'offset'],
        [{ offset: -1 }, 'offset'],
      ] as const) {
        const refused = await failureOf(
          blog.rpc(BlogRpc.listComments, { viewerId: null, slug, ...page }),
        );
        expect([refused.status, refused.errors], field).toEqual([
          422,
          { [field]: [expect.any(String)] },
        ]);
      }
    });

    it('refuses a blank or too long comment and answers 404 for an unknown article', async () => {
      const jake = await blog.registeredActor();
      const { slug } = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Quiet') });
      const blank = await failureOf(blog.rpc(BlogRpc.addComment, { ...jake, slug, body: ' \n ' }));
      expect([blank.status, blank.errors]).toEqual([422, { body: ["can't be blank"] }]);
      const long = 'x'.repeat(BlogRules.commentMaxLength + 1);
      expect(
        (await failureOf(blog.rpc(BlogRpc.addComment, { ...jake, slug, body: long }))).status,
      ).toBe(422);
      const missing = await failureOf(
        blog.rpc(BlogRpc.addComment, { ...jake, slug: 'missing', body: 'Hi' }),
      );
      expect([missing.status, missing.errors]).toEqual([404, { article: ['not found'] }]);
      expect((await failureOf(commentsOn('missing'))).status).toBe(404);
      expect(await commentsOn(slug)).toEqual([]);
    });

    it('lets only its author delete a comment, and announces both changes', async () => {
      const [jake, anna] = await blog.registeredActors('jake', 'anna');
      const { slug } = await blog.rpc(BlogRpc.createArticle, {
        ...jake,
        article: draft('Moderated'),
      });
      const other = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Elsewhere') });
      const comment = await blog.rpc(BlogRpc.addComment, { ...anna, slug, body: 'Mine' });

      const notYours = await failureOf(comments().delete({ ...jake, slug, commentId: comment.id }));
      expect([notYours.status, notYours.errors]).toEqual([403, { comment: ['is not yours'] }]);
      const wrongArticle = await failureOf(
        comments().delete({ ...anna, slug: other.slug, commentId: comment.id }),
      );
      expect([wrongArticle.status, wrongArticle.errors]).toEqual([404, { comment: ['not found'] }]);
      for (const commentId of [0, -1, 1.5, 2 ** 40]) {
        const refused = await failureOf(
          blog.rpc(BlogRpc.deleteComment, { ...anna, slug, commentId }),
        );
        expect([refused.status, Object.keys(refused.errors)]).toEqual([422, ['commentId']]);
      }

      expect(await comments().delete({ ...anna, slug, commentId: comment.id })).toEqual({
        deleted: true,
      });
      expect(await commentsOn(slug)).toEqual([]);
      const expected: CommentEventData = {
        commentId: comment.id,
        articleSlug: slug,
        authorId: anna.viewerId,
      };
      expect(await blog.outboxEvents('comment.created')).toContainEqual(expected);
      expect(await blog.outboxEvents('comment.deleted')).toContainEqual(expected);
    });
  });

  describe('profiles', () => {
    it('shows following from the viewer’s point of view, ignoring the case of the name', async () => {
      const [jake, anna, ben] = await blog.registeredActors('jake', 'anna', 'ben');
      expect(await profiles().get({ viewerId: null, username: jake.username })).toEqual({
        username: jake.username,
        bio: null,
        image: null,
        following: false,
      });
      expect(await profiles().follow({ ...anna, target: jake.username.toUpperCase() })).toEqual({
        username: jake.username,
        bio: null,
        image: null,
        following: true,
      });
      expect(
        (await profiles().get({ viewerId: anna.viewerId, username: jake.username })).following,
      ).toBe(true);
      expect(
        (await profiles().get({ viewerId: ben.viewerId, username: jake.username })).following,
      ).toBe(false);
    });

    it('makes following and unfollowing idempotent, announcing each real change once', async () => {
      const [jake, anna] = await blog.registeredActors('jake', 'anna');
      await profiles().follow({ ...anna, target: jake.username });
      await profiles().follow({ ...anna, target: jake.username });
      expect((await profiles().unfollow({ ...anna, target: jake.username })).following).toBe(false);
      expect((await profiles().unfollow({ ...anna, target: jake.username })).following).toBe(false);

      const mine = (events: FollowEventData[]) =>
        events.filter((event) => event.followerId === anna.viewerId);
      expect(mine(await blog.outboxEvents('profile.followed'))).toEqual([
        { followerId: anna.viewerId, followedId: jake.viewerId, followedUsername: jake.username },
      ]);
      expect(mine(await blog.outboxEvents('profile.unfollowed'))).toHaveLength(1);
    });

    it('answers 404 for an unknown user and 422 for following yourself', async () => {
      const jake = await blog.registeredActor();
      const unknown = await failureOf(profiles().follow({ ...jake, target: 'nobody-here' }));
      expect([unknown.status, unknown.errors]).toEqual([404, { profile: ['not found'] }]);
      expect((await failureOf(profiles().get({ viewerId: null, username: 'nobody' }))).status).toBe(
        404,
      );
      const self = await failureOf(profiles().follow({ ...jake, target: jake.username }));
      expect([self.status, self.errors]).toEqual([422, { profile: ["can't follow yourself"] }]);
    });
  });

  describe('tags and viewer flags', () => {
    it('lists the tags in use, most used first, then by name', async () => {
      const jake = await blog.registeredActor();
      await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('One', ['zeta', 'beta']) });
      await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Two', ['zeta', 'alpha']) });
      await blog.rpc(BlogRpc.createArticle, {
        ...jake,
        article: draft('Three', ['zeta', 'alpha']),
      });
      const tags = await blog.get(TagsService).list();
      expect(tags.slice(0, 3)).toEqual(['zeta', 'alpha', 'beta']);
      expect(new Set(tags).size).toBe(tags.length);
    });

    it('tells which of the given articles a viewer favorited and which authors they follow', async () => {
      const [jake, anna, reader] = await blog.registeredActors('jake', 'anna', 'reader');
      const liked = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Liked') });
      const other = await blog.rpc(BlogRpc.createArticle, { ...anna, article: draft('Other') });
      await blog.get(FavoritesService).favorite({ ...reader, slug: liked.slug });
      await profiles().follow({ ...reader, target: anna.username });

      const flags = blog.get(ViewerFlagsService);
      expect(
        await flags.forViewer({
          viewerId: reader.viewerId,
          slugs: [liked.slug, other.slug, 'missing', liked.slug],
          usernames: [jake.username, anna.username.toUpperCase(), 'nobody'],
        }),
      ).toEqual({ favorited: [liked.slug], following: [anna.username] });
      expect(await flags.forViewer({ viewerId: jake.viewerId, slugs: [], usernames: [] })).toEqual({
        favorited: [],
        following: [],
      });
    });
  });
});
