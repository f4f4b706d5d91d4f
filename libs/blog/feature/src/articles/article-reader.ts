import { Injectable } from '@nestjs/common';
import type { ArticleList, ArticleView, BlogRpc, RpcPayload } from '@capstone/contracts';
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

  async list(request: RpcPayload<typeof BlogRpc.listArticles>): Promise<ArticleList> {
    const { viewerId, limit, offset, ...criteria } = request;
    return this.page(criteria, { limit, offset }, viewerId);
  }

  /** Articles by the authors the viewer follows, newest first. */
  async feed(request: RpcPayload<typeof BlogRpc.feed>): Promise<ArticleList> {
    const { viewerId, limit, offset } = request;
    return this.page({ followedBy: viewerId }, { limit, offset }, viewerId);
  }

  private async page(
    criteria: ArticleCriteria,
    page: Page,
    viewerId: string | null,
  ): Promise<ArticleList> {
    const pageQuery = articlePageQuery(criteria, page, viewerId);
    const countQuery = articleCountQuery(criteria);
    const [rows, [counted]] = await Promise.all([
      this.dataSource.query<ArticleRow[]>(pageQuery.text, pageQuery.values),
      this.dataSource.query<{ count: number }[]>(countQuery.text, countQuery.values),
    ]);
    return { articles: rows.map(toArticleListItem), articlesCount: counted?.count ?? 0 };
  }
}
