import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@capstone/security';
import type { FastifyReply } from 'fastify';
import { BlogReads } from './blog-reads.js';
import { Returns, StrictQueries } from '../http/contract-params.js';
import { TagsResponse } from './blog.schemas.js';
import { served } from '../cache/cache-header.js';

@ApiTags('tags')
@StrictQueries()
@Controller('tags')
export class TagsController {
  constructor(private readonly reads: BlogReads) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The tags in use' })
  @Returns(200, TagsResponse)
  async list(@Res({ passthrough: true }) response: FastifyReply): Promise<{ tags: string[] }> {
    return { tags: served(response, await this.reads.tags()) };
  }
}
