import { Injectable } from '@nestjs/common';
import { BlogEvents, type Actor, type ArticleView } from '@capstone/contracts';
import { recordEvent } from '@capstone/outbox';
import type { EntityManager } from 'typeorm';
import { AuthorDirectory } from '../authors/author-directory.js';
import { FavoriteEntity } from '../persistence/favorite.entity.js';
import { OutboxTransactions } from '@capstone/outbox';
import { findArticle } from './article-lookup.js';
import { ArticleReader } from './article-reader.js';

/**
 * Favoriting. Both directions are idempotent: favoriting twice or unfavoriting what is not a
 * favorite answers the same and changes nothing. `favorites_count` is kept on the article so
 * lists need no count per row; the article's row lock makes concurrent favorites add up exactly.
 */
@Injectable()
export class FavoritesService {
  constructor(
    private readonly transactions: OutboxTransactions,
    private readonly authors: AuthorDirectory,
    private readonly reader: ArticleReader,
  ) {}

  favorite(command: Actor & { slug: string }): Promise<ArticleView> {
    return this.transactions.run(async (manager) => {
      await this.authors.ensureActor(manager, command);
      const article = await findArticle(manager, command.slug, 'for_no_key_update');
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO favorites (user_id, article_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING article_id`,
        [command.viewerId, article.id],
      );
      if (inserted.length > 0) {
        await this.addToCount(manager, article.id, 1);
        await recordEvent(manager, BlogEvents.articleFavorited, {
          articleSlug: article.slug,
          userId: command.viewerId,
        });
      }
      return this.reader.view(manager, { id: article.id }, command.viewerId);
    });
  }

  unfavorite(command: Actor & { slug: string }): Promise<ArticleView> {
    return this.transactions.run(async (manager) => {
      const article = await findArticle(manager, command.slug, 'for_no_key_update');
      const { affected } = await manager.delete(FavoriteEntity, {
        userId: command.viewerId,
        articleId: article.id,
      });
      if (affected) {
        await this.addToCount(manager, article.id, -1);
        await recordEvent(manager, BlogEvents.articleUnfavorited, {
          articleSlug: article.slug,
          userId: command.viewerId,
        });
      }
      return this.reader.view(manager, { id: article.id }, command.viewerId);
    });
  }

  /** Plain SQL: TypeORM's `increment` would also touch `updated_at`, and a favorite is no edit. */
  private async addToCount(
    manager: EntityManager,
    articleId: string,
    delta: number,
  ): Promise<void> {
    await manager.query(
      'UPDATE articles SET favorites_count = favorites_count + $2 WHERE id = $1',
      [articleId, delta],
    );
  }
}
