import { Controller, Delete, Get, HttpCode, Inject, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ArticleList, BlogRpc, type Actor, type ArticleView } from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { OptionalAuth } from '@capstone/security';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { served } from '../cache/cache-header.js';
import { BodyOf, QueryOf, Returns, StrictQueries } from '../http/contract-params.js';
import { CurrentActor, CurrentViewerId, SlugParam } from './blog-params.js';
import { BlogReads } from './blog-reads.js';
import { BlogWrites } from './blog-writes.js';
import {
  ArticleChangesBody,
  ArticleResponse,
  ListArticlesQuery,
  NewArticleBody,
  PageQuery,
} from './blog.schemas.js';
import { RateLimited } from '../http/rate-limits.js';

/** RealWorld's articles, favorites and feed. Public reads are cached; writes invalidate what they change. */
@ApiTags('articles')
@StrictQueries()
@Controller('articles')
export class ArticlesController {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly reads: BlogReads,
    private readonly writes: BlogWrites,
  ) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: 'Articles, newest first (or best match first with q); filters combine' })
  @Returns(200, ArticleList)
  async list(
    @QueryOf(ListArticlesQuery) query: z.output<typeof ListArticlesQuery>,
    @CurrentViewerId() viewerId: string | null,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ArticleList> {
    return served(response, await this.reads.articles(query, viewerId));
  }

  /** Each reader's own: not cached. */
  @Get('feed')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Articles by the authors the caller follows, newest first' })
  @Returns(200, ArticleList)
  feed(
    @QueryOf(PageQuery) page: z.output<typeof PageQuery>,
    @CurrentActor() { viewerId }: Actor,
  ): Promise<ArticleList> {
    return this.blog.send(BlogRpc.feed, { viewerId, ...page });
  }

  @OptionalAuth()
  @Get(':slug')
  @ApiOperation({ summary: 'One article' })
  @Returns(200, ArticleResponse)
  @ApiResponse({ status: 404, description: 'No article with this slug' })
  async get(
    @SlugParam() slug: string,
    @CurrentViewerId() viewerId: string | null,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<{ article: ArticleView }> {
    return { article: served(response, await this.reads.article(slug, viewerId)) };
  }

  @RateLimited('write')
  @Post()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Write an article' })
  @Returns(201, ArticleResponse)
  async create(
    @BodyOf(NewArticleBody) body: z.output<typeof NewArticleBody>,
    @CurrentActor() actor: Actor,
  ): Promise<{ article: ArticleView }> {
    return { article: await this.writes.createArticle(actor, body.article) };
  }

  @RateLimited('write')
  @Put(':slug')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Edit your article; a new title gives a new slug' })
  @Returns(200, ArticleResponse)
  @ApiResponse({ status: 403, description: 'Not your article' })
  async update(
    @SlugParam() slug: string,
    @BodyOf(ArticleChangesBody) body: z.output<typeof ArticleChangesBody>,
    @CurrentActor() actor: Actor,
  ): Promise<{ article: ArticleView }> {
    return { article: await this.writes.updateArticle(actor, slug, body.article) };
  }

  @RateLimited('write')
  @Delete(':slug')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete your article, with its comments and favorites' })
  remove(@SlugParam() slug: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.writes.deleteArticle(actor, slug);
  }

  @RateLimited('write')
  @Post(':slug/favorite')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Favorite an article' })
  @Returns(200, ArticleResponse)
  async favorite(
    @SlugParam() slug: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ article: ArticleView }> {
    return { article: await this.writes.setFavorite(actor, slug, true) };
  }

  @RateLimited('write')
  @Delete(':slug/favorite')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Unfavorite an article' })
  @Returns(200, ArticleResponse)
  async unfavorite(
    @SlugParam() slug: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ article: ArticleView }> {
    return { article: await this.writes.setFavorite(actor, slug, false) };
  }
}
