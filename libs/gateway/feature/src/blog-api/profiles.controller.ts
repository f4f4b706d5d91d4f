import { Controller, Delete, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BlogRpc, type Actor, type ProfileView } from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { OptionalAuth } from '@capstone/security';
import type { FastifyReply } from 'fastify';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { served } from '../cache/cache-header.js';
import { Returns, StrictQueries } from '../http/contract-params.js';
import { CurrentActor, CurrentViewerId, UsernameParam } from './blog-params.js';
import { BlogReads } from './blog-reads.js';
import { ProfileResponse } from './blog.schemas.js';
import { RateLimited } from '../http/rate-limits.js';

/** Profiles are cached like the other public reads; who follows whom is each reader's own, never cached. */
@ApiTags('profiles')
@StrictQueries()
@ApiResponse({ status: 404, description: 'No user with this username' })
@Controller('profiles/:username')
export class ProfilesController {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly reads: BlogReads,
  ) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: "An author's profile, with whether the caller follows them" })
  @Returns(200, ProfileResponse)
  async get(
    @UsernameParam() username: string,
    @CurrentViewerId() viewerId: string | null,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<{ profile: ProfileView }> {
    return { profile: served(response, await this.reads.profile(username, viewerId)) };
  }

  @RateLimited('write')
  @Post('follow')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Follow an author' })
  @Returns(200, ProfileResponse)
  async follow(
    @UsernameParam() target: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ profile: ProfileView }> {
    return { profile: await this.blog.send(BlogRpc.follow, { ...actor, target }) };
  }

  @RateLimited('write')
  @Delete('follow')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Stop following an author' })
  @Returns(200, ProfileResponse)
  async unfollow(
    @UsernameParam() target: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ profile: ProfileView }> {
    return { profile: await this.blog.send(BlogRpc.unfollow, { ...actor, target }) };
  }
}
