import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Post,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlogFields, BlogRpc, type AccessTokenClaims, type CommentView } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser, OptionalAuth } from '@capstone/security';
import type { Response } from 'express';
import type { z } from 'zod';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogCacheInvalidation } from '../cache/blog-cache-invalidation.js';
import { BlogReads } from './blog-reads.js';
import { BodyOf, ParamOf, Returns } from '../http/contract-params.js';
import { CommentResponse, CommentsResponse, NewCommentBody } from './blog.schemas.js';
import { served } from '../cache/cache-header.js';

const commentId = new ParseIntPipe({ exceptionFactory: () => ServiceError.notFound('comment') });

@ApiTags('comments')
@Controller('articles/:slug/comments')
export class CommentsController {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly reads: BlogReads,
    private readonly invalidation: BlogCacheInvalidation,
  ) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: 'Comments of an article, newest first' })
  @Returns(200, CommentsResponse)
  async list(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @CurrentUser() caller: AccessTokenClaims | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ comments: CommentView[] }> {
    return { comments: served(response, await this.reads.comments(slug, caller?.sub ?? null)) };
  }

  @Post()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Comment on an article' })
  @Returns(201, CommentResponse)
  async add(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @BodyOf(NewCommentBody) body: z.output<typeof NewCommentBody>,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ comment: CommentView }> {
    const comment = await this.blog.send(BlogRpc.addComment, {
      viewerId: caller.sub,
      username: caller.username,
      slug,
      body: body.comment.body,
    });
    await this.invalidation.commentsChanged(slug);
    return { comment };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete your comment' })
  async remove(
    @ParamOf('slug', BlogFields.slug) slug: string,
    @Param('id', commentId) id: number,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<void> {
    await this.blog.send(BlogRpc.deleteComment, {
      viewerId: caller.sub,
      username: caller.username,
      slug,
      commentId: id,
    });
    await this.invalidation.commentsChanged(slug);
  }
}
