import { Injectable } from '@nestjs/common';
import type {
  ArticleList,
  ArticleListItem,
  ArticlePage,
  ArticleView,
  BlogRpc,
  RpcPayload,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { DataSource, type EntityManager } from 'typeorm';
import {
  articleCountQuery,
  articlePageQuery,
  articleQuery,
  type ArticleRow,
} from './article-queries.js';
import { toArticleListItem, toArticleView } from './article-views.js';
import type { ArticleCriteria, Page } from './list-criteria.js';

/** Reads articles as a given viewer sees them: one, a filtered list, or the feed. */
@Injectable()
export class ArticleReader {
  constructor(private readonly dataSource: DataSource) {}

  get(slug: string, viewerId: string | null): Promise<ArticleView> {
    return this.view(this.dataSource.manager, { slug }, viewerId);
  }

  /** Also used inside a write's transaction, so the answer shows the change just made. */
  async view(
    manager: EntityManager,
    key: { readonly slug: string } | { readonly id: string },
    viewerId: string | null,
  ): Promise<ArticleView> {
    const query = articleQuery(key, viewerId);
    const [row] = await manager.query<(ArticleRow & { body: string })[]>(query.text, query.values);
    if (!row) throw ServiceError.notFound('article');
    return toArticleView(row);
  }

  /** A page of the articles that match, and how many match in all unless left out. */
  async list(request: RpcPayload<typeof BlogRpc.listArticles>): Promise<ArticlePage> {
    const { viewerId, limit, offset, withCount, ...criteria } = request;
    const [articles, articlesCount] = await Promise.all([
      this.rows(criteria, { limit, offset }, viewerId),
      withCount ? this.count(criteria) : undefined,
    ]);
    return articlesCount === undefined ? { articles } : { articles, articlesCount };
  }

  /** Articles by the authors the viewer follows, newest first. */
  async feed(request: RpcPayload<typeof BlogRpc.feed>): Promise<ArticleList> {
    const { viewerId, limit, offset } = request;
    const criteria = { followedBy: viewerId };
    const [articles, articlesCount] = await Promise.all([
      this.rows(criteria, { limit, offset }, viewerId),
      this.count(criteria),
    ]);
    return { articles, articlesCount };
  }

  private async rows(
    criteria: ArticleCriteria,
    page: Page,
    viewerId: string | null,
  ): Promise<ArticleListItem[]> {
    const query = articlePageQuery(criteria, page, viewerId);
    const rows = await this.dataSource.query<ArticleRow[]>(query.text, query.values);
    return rows.map(toArticleListItem);
  }

  private async count(criteria: ArticleCriteria): Promise<number> {
    const query = articleCountQuery(criteria);
    const [counted] = await this.dataSource.query<{ count: number }[]>(query.text, query.values);
    return counted?.count ?? 0;
  }
}
