import { ServiceError } from '@capstone/errors';
import type { EntityManager } from 'typeorm';
import { ArticleEntity } from '../persistence/article.entity.js';

/**
 * Row locks a change takes on its article, weakest first: `for_key_share` keeps it from being
 * deleted meanwhile (adding a comment), `for_no_key_update` also serialises changes to its
 * counters (favorites), `pessimistic_write` is for editing or deleting it.
 */
export type ArticleLock = 'for_key_share' | 'for_no_key_update' | 'pessimistic_write';

/** The article with this slug, locked for the rest of the transaction if asked; 404 when there is none. */
export async function findArticle(
  manager: EntityManager,
  slug: string,
  lock?: ArticleLock,
): Promise<ArticleEntity> {
  const article = await manager.findOne(ArticleEntity, {
    where: { slug },
    ...(lock ? { lock: { mode: lock } } : {}),
  });
  if (!article) throw ServiceError.notFound('article');
  return article;
}

/** Only its author may edit or delete an article. */
export function ensureAuthorOf(article: ArticleEntity, userId: string): void {
  if (article.authorId !== userId) throw ServiceError.forbidden('article');
}
