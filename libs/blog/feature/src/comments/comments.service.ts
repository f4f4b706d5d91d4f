import { Injectable } from '@nestjs/common';
import {
  BlogEvents,
  BlogRpc,
  type CommentPage,
  type CommentView,
  type RpcPayload,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { recordEvent } from '@capstone/outbox';
import { DataSource } from 'typeorm';
import { findArticle } from '../articles/article-lookup.js';
import { AuthorDirectory } from '../authors/author-directory.js';
import { CommentEntity } from '../persistence/comment.entity.js';
import { OutboxTransactions } from '@capstone/outbox';
import { toCommentView, type CommentRow } from './comment-views.js';

/** Comments on an article: list (newest first), add, delete your own. */
@Injectable()
export class CommentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: OutboxTransactions,
    private readonly authors: AuthorDirectory,
  ) {}

  /** A page of the article's comments, newest first, and how many it has unless left out. */
  async list(request: RpcPayload<typeof BlogRpc.listComments>): Promise<CommentPage> {
    const { viewerId, limit, offset, withCount } = request;
    const article = await findArticle(this.dataSource.manager, request.slug);
    const [rows, commentsCount] = await Promise.all([
      this.dataSource.query<CommentRow[]>(
        `SELECT c.id, c.body, c.created_at AS "createdAt", c.updated_at AS "updatedAt", au.username, au.bio, au.image,
           EXISTS (SELECT 1 FROM follows fo
                   WHERE fo.follower_id = $2::uuid AND fo.followed_id = c.author_id) AS following
         FROM comments c JOIN authors au ON au.user_id = c.author_id
         WHERE c.article_id = $1
         ORDER BY c.id DESC
         LIMIT $3 OFFSET $4`,
        [article.id, viewerId, limit, offset],
      ),
      withCount ? this.count(article.id) : undefined,
    ]);
    const comments = rows.map((row) => toCommentView(row, row, row.following));
    return commentsCount === undefined ? { comments } : { comments, commentsCount };
  }

  async add(command: RpcPayload<typeof BlogRpc.addComment>): Promise<CommentView> {
    const { body } = command;
    return this.transactions.run(async (manager) => {
      const author = await this.authors.ensureActor(manager, command);
      // Keeps the article from being deleted before this comment is committed.
      const article = await findArticle(manager, command.slug, 'for_key_share');
      const comment = await manager.save(
        manager.create(CommentEntity, { articleId: article.id, authorId: author.userId, body }),
      );
      await recordEvent(manager, BlogEvents.commentCreated, {
        commentId: comment.id,
        articleSlug: article.slug,
        authorId: author.userId,
      });
      // Written by the viewer, who cannot follow themselves.
      return toCommentView(comment, author, false);
    });
  }

  /** Only its author may delete a comment; an id that is not on this article is not found. */
  async delete(command: RpcPayload<typeof BlogRpc.deleteComment>): Promise<{ deleted: true }> {
    const { commentId } = command;
    await this.transactions.run(async (manager) => {
      const article = await findArticle(manager, command.slug, 'for_key_share');
      const comment = await manager.findOne(CommentEntity, {
        where: { id: commentId, articleId: article.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!comment) throw ServiceError.notFound('comment');
      if (comment.authorId !== command.viewerId) throw ServiceError.forbidden('comment');
      await manager.delete(CommentEntity, { id: comment.id });
      await recordEvent(manager, BlogEvents.commentDeleted, {
        commentId: comment.id,
        articleSlug: article.slug,
        authorId: comment.authorId,
      });
    });
    return { deleted: true };
  }

  /** Read from `comments_article_idx` alone (an index-only scan). */
  private async count(articleId: string): Promise<number> {
    const [counted] = await this.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM comments WHERE article_id = $1',
      [articleId],
    );
    return counted?.count ?? 0;
  }
}
