import { Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor, CommentView } from '@capstone/contracts';
import { OptionalAuth } from '@capstone/security';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { served } from '../cache/cache-header.js';
import { BodyOf, QueryOf, Returns, StrictQueries } from '../http/contract-params.js';
import { CommentIdParam, CurrentActor, CurrentViewerId, SlugParam } from './blog-params.js';
import { BlogReads } from './blog-reads.js';
import { BlogWrites } from './blog-writes.js';
import {
  CommentResponse,
  CommentsQuery,
  CommentsResponse,
  NewCommentBody,
  type CommentsPage,
} from './blog.schemas.js';
import { RateLimited } from '../http/rate-limits.js';

@ApiTags('comments')
@StrictQueries()
@Controller('articles/:slug/comments')
export class CommentsController {
  constructor(
    private readonly reads: BlogReads,
    private readonly writes: BlogWrites,
  ) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: 'Comments of an article, newest first, a page at a time' })
  @Returns(200, CommentsResponse)
  async list(
    @SlugParam() slug: string,
    @QueryOf(CommentsQuery) page: z.output<typeof CommentsQuery>,
    @CurrentViewerId() viewerId: string | null,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CommentsPage> {
    return served(response, await this.reads.comments(slug, page, viewerId));
  }

  @RateLimited('write')
  @Post()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Comment on an article' })
  @Returns(201, CommentResponse)
  async add(
    @SlugParam() slug: string,
    @BodyOf(NewCommentBody) body: z.output<typeof NewCommentBody>,
    @CurrentActor() actor: Actor,
  ): Promise<{ comment: CommentView }> {
    return { comment: await this.writes.addComment(actor, slug, body.comment.body) };
  }

  @RateLimited('write')
  @Delete(':id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete your comment' })
  remove(
    @SlugParam() slug: string,
    @CommentIdParam() id: number,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.writes.deleteComment(actor, slug, id);
  }
}
