import { Controller, Delete, Get, HttpCode, Inject, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ArticleList,
  BlogFields,
  BlogRpc,
  type AccessTokenClaims,
  type ArticleView,
} from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser, OptionalAuth } from '@capstone/security';
import type { Response } from 'express';
import type { z } from 'zod';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogCacheInvalidation } from '../cache/blog-cache-invalidation.js';
import { BlogReads } from './blog-reads.js';
import { BodyOf, ParamOf, QueryOf, Returns } from '../http/contract-params.js';
import {
  ArticleChangesBody,
  ArticleResponse,
  ListArticlesQuery,
  NewArticleBody,
  PageQuery,
} from './blog.schemas.js';
import { served } from '../cache/cache-header.js';

const actor = (caller: AccessTokenClaims) => ({ viewerId: caller.sub, username: caller.username });

/** RealWorld's articles, favorites and feed. Public reads are cached; writes invalidate what they change. */
@ApiTags('articles')
@Controller('articles')
export class ArticlesController {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly reads: BlogReads,
    private readonly invalidation: BlogCacheInvalidation,
  ) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: 'Articles, newest first (or best match first with q); filters combine' })
  @Returns(200, ArticleList)
  async list(
    @QueryOf(ListArticlesQuery) query: z.output<typeof ListArticlesQuery>,
    @CurrentUser() caller: AccessTokenClaims | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ArticleList> {
    const { tag, author, favorited, q, limit, offset } = query;
    return served(
      response,
      await this.reads.articles({ tag, author, favorited, q, limit, offset }, caller?.sub ?? null),
    );
  }

  @Get('feed')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Articles by the authors the caller follows, newest first' })
  @Returns(200, ArticleList)
  feed(
    @QueryOf(PageQuery) page: z.output<typeof PageQuery>,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<ArticleList> {
    return this.blog.send(BlogRpc.feed, {
      viewerId: caller.sub,
      limit: page.limit,
      offset: page.offset,
    });
  }

  @OptionalAuth()
  @Get(':slug')
  @ApiOperation({ summary: 'One article' })
  @Returns(200, ArticleResponse)
  @ApiResponse({ status: 404, description: 'No article with this slug' })
  async get(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @CurrentUser() caller: AccessTokenClaims | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ article: ArticleView }> {
    return { article: served(response, await this.reads.article(slug, caller?.sub ?? null)) };
  }

  @Post()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Write an article' })
  @Returns(201, ArticleResponse)
  async create(
    @BodyOf(NewArticleBody) body: z.output<typeof NewArticleBody>,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ article: ArticleView }> {
    const article = await this.blog.send(BlogRpc.createArticle, {
      ...actor(caller),
      article: body.article,
    });
    await this.invalidation.articleChanged(article.slug);
    return { article };
  }

  @Put(':slug')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Edit your article; a new title gives a new slug' })
  @Returns(200, ArticleResponse)
  @ApiResponse({ status: 403, description: 'Not your article' })
  async update(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @BodyOf(ArticleChangesBody) body: z.output<typeof ArticleChangesBody>,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ article: ArticleView }> {
    const article = await this.blog.send(BlogRpc.updateArticle, {
      ...actor(caller),
      slug,
      changes: body.article,
    });
    await this.invalidation.articleChanged(article.slug, slug);
    return { article };
  }

  @Delete(':slug')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete your article, with its comments and favorites' })
  async remove(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<void> {
    await this.blog.send(BlogRpc.deleteArticle, { ...actor(caller), slug });
    await this.invalidation.articleDeleted(slug);
  }

  @Post(':slug/favorite')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Favorite an article' })
  @Returns(200, ArticleResponse)
  async favorite(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ article: ArticleView }> {
    const article = await this.blog.send(BlogRpc.favorite, { ...actor(caller), slug });
    await this.invalidation.favoritesChanged(slug);
    return { article };
  }

  @Delete(':slug/favorite')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Unfavorite an article' })
  @Returns(200, ArticleResponse)
  async unfavorite(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ article: ArticleView }> {
    const article = await this.blog.send(BlogRpc.unfavorite, { ...actor(caller), slug });
    await this.invalidation.favoritesChanged(slug);
    return { article };
  }
}
