import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  BlogRpc,
  type AccessTokenClaims,
  type ArticleList,
  type ArticleView,
} from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser, OptionalAuth } from '@capstone/security';
import type { Response } from 'express';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogCacheInvalidation } from '../cache/blog-cache-invalidation.js';
import { BlogReads } from './blog-reads.js';
import {
  ListArticlesQuery,
  NewArticleRequest,
  PageQuery,
  UpdateArticleRequest,
} from './blog.dto.js';
import { served } from './cache-header.js';

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
  async list(
    @Query() query: ListArticlesQuery,
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
  feed(@Query() page: PageQuery, @CurrentUser() caller: AccessTokenClaims): Promise<ArticleList> {
    return this.blog.send(BlogRpc.feed, {
      viewerId: caller.sub,
      limit: page.limit,
      offset: page.offset,
    });
  }

  @OptionalAuth()
  @Get(':slug')
  @ApiOperation({ summary: 'One article' })
  @ApiResponse({ status: 404, description: 'No article with this slug' })
  async get(
    @Param('slug') slug: string,
    @CurrentUser() caller: AccessTokenClaims | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ article: ArticleView }> {
    return { article: served(response, await this.reads.article(slug, caller?.sub ?? null)) };
  }

  @Post()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Write an article' })
  @ApiResponse({ status: 201, description: 'Created' })
  async create(
    @Body() body: NewArticleRequest,
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
  @ApiResponse({ status: 403, description: 'Not your article' })
  async update(
    @Param('slug') slug: string,
    @Body() body: UpdateArticleRequest,
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
    @Param('slug') slug: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<void> {
    await this.blog.send(BlogRpc.deleteArticle, { ...actor(caller), slug });
    await this.invalidation.articleDeleted(slug);
  }

  @Post(':slug/favorite')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Favorite an article' })
  async favorite(
    @Param('slug') slug: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ article: ArticleView }> {
    const article = await this.blog.send(BlogRpc.favorite, { ...actor(caller), slug });
    await this.invalidation.favoritesChanged(slug);
    return { article };
  }

  @Delete(':slug/favorite')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Unfavorite an article' })
  async unfavorite(
    @Param('slug') slug: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ article: ArticleView }> {
    const article = await this.blog.send(BlogRpc.unfavorite, { ...actor(caller), slug });
    await this.invalidation.favoritesChanged(slug);
    return { article };
  }
}
