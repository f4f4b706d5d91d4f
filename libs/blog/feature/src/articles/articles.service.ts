import { Injectable } from '@nestjs/common';
import { BlogEvents, BlogRpc, type ArticleView, type RpcPayload } from '@capstone/contracts';
import { recordEvent } from '@capstone/outbox';
import { AuthorDirectory } from '../authors/author-directory.js';
import { ArticleEntity } from '../persistence/article.entity.js';
import { AuthorEntity } from '../persistence/author.entity.js';
import { OutboxTransactions } from '@capstone/outbox';
import { ensureAuthorOf, findArticle } from './article-lookup.js';
import { ArticleReader } from './article-reader.js';
import { toArticleEventData } from './article-views.js';
import { retryOnSlugCollision } from './slug-collision.js';
import { newSlug } from './slug.js';

/** Writing articles: create, edit, delete. Each change is announced through the outbox. */
@Injectable()
export class ArticlesService {
  constructor(
    private readonly transactions: OutboxTransactions,
    private readonly authors: AuthorDirectory,
    private readonly reader: ArticleReader,
  ) {}

  async create(command: RpcPayload<typeof BlogRpc.createArticle>): Promise<ArticleView> {
    const { article } = command;
    return retryOnSlugCollision(() =>
      this.transactions.run(async (manager) => {
        const author = await this.authors.ensureActor(manager, command);
        const saved = await manager.save(
          manager.create(ArticleEntity, {
            ...article,
            slug: newSlug(article.title),
            authorId: author.userId,
          }),
        );
        await recordEvent(manager, BlogEvents.articleCreated, toArticleEventData(saved, author));
        return this.reader.view(manager, { id: saved.id }, command.viewerId);
      }),
    );
  }

  /** A new title means a new slug; the old one then answers 404 (the event names both). */
  async update(command: RpcPayload<typeof BlogRpc.updateArticle>): Promise<ArticleView> {
    const { changes } = command;
    return retryOnSlugCollision(() =>
      this.transactions.run(async (manager) => {
        const article = await findArticle(manager, command.slug, 'pessimistic_write');
        ensureAuthorOf(article, command.viewerId);
        // JSON compares the text fields and the tag lists alike.
        const changed = (['title', 'description', 'body', 'tagList'] as const).filter(
          (field) =>
            changes[field] !== undefined &&
            JSON.stringify(changes[field]) !== JSON.stringify(article[field]),
        );
        if (changed.length === 0) {
          return this.reader.view(manager, { id: article.id }, command.viewerId);
        }

        const previousSlug = article.slug;
        const renamed = changed.includes('title');
        manager.merge(ArticleEntity, article, {
          title: changes.title ?? article.title,
          description: changes.description ?? article.description,
          body: changes.body ?? article.body,
          tagList: changes.tagList ?? article.tagList,
          slug: renamed ? newSlug(changes.title ?? article.title) : article.slug,
        });
        const saved = await manager.save(article);
        const author = await manager.findOneByOrFail(AuthorEntity, { userId: saved.authorId });
        await recordEvent(
          manager,
          BlogEvents.articleUpdated,
          toArticleEventData(saved, author, renamed ? previousSlug : undefined),
        );
        return this.reader.view(manager, { id: saved.id }, command.viewerId);
      }),
    );
  }

  /** Its comments and favorites go with it (ON DELETE CASCADE). */
  async delete(command: RpcPayload<typeof BlogRpc.deleteArticle>): Promise<{ deleted: true }> {
    await this.transactions.run(async (manager) => {
      const article = await findArticle(manager, command.slug, 'pessimistic_write');
      ensureAuthorOf(article, command.viewerId);
      const author = await manager.findOneByOrFail(AuthorEntity, { userId: article.authorId });
      await manager.delete(ArticleEntity, { id: article.id });
      await recordEvent(manager, BlogEvents.articleDeleted, toArticleEventData(article, author));
    });
    return { deleted: true };
  }
}
