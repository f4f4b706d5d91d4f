import type { ArticleEventData, ArticleListItem, ArticleView } from '@capstone/contracts';
import { toProfileView } from '../authors/profile-view.js';
import type { ArticleEntity } from '../persistence/article.entity.js';
import type { AuthorEntity } from '../persistence/author.entity.js';
import type { ArticleRow } from './article-queries.js';

export function toArticleListItem(row: ArticleRow): ArticleListItem {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    tagList: row.tag_list,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    favorited: row.favorited,
    favoritesCount: row.favorites_count,
    author: toProfileView(row, row.following),
  };
}

export function toArticleView(row: ArticleRow & { readonly body: string }): ArticleView {
  return { ...toArticleListItem(row), body: row.body };
}

export function toArticleEventData(
  article: ArticleEntity,
  author: AuthorEntity,
  previousSlug?: string,
): ArticleEventData {
  return {
    articleId: article.id,
    slug: article.slug,
    ...(previousSlug !== undefined ? { previousSlug } : {}),
    title: article.title,
    authorId: article.authorId,
    authorUsername: author.username,
    tagList: article.tagList,
  };
}
