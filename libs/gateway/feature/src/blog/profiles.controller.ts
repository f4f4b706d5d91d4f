import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlogRpc, type AccessTokenClaims, type ProfileView } from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser, OptionalAuth } from '@capstone/security';
import type { Response } from 'express';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogReads } from './blog-reads.js';
import { served } from './cache-header.js';

@ApiTags('profiles')
@Controller('profiles/:username')
export class ProfilesController {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly reads: BlogReads,
  ) {}

  @OptionalAuth()
  @Get()
  @ApiOperation({ summary: "An author's profile, with whether the caller follows them" })
  async get(
    @Param('username') username: string,
    @CurrentUser() caller: AccessTokenClaims | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ profile: ProfileView }> {
    return { profile: served(response, await this.reads.profile(username, caller?.sub ?? null)) };
  }

  @Post('follow')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Follow an author' })
  async follow(
    @Param('username') target: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ profile: ProfileView }> {
    return {
      profile: await this.blog.send(BlogRpc.follow, {
        viewerId: caller.sub,
        username: caller.username,
        target,
      }),
    };
  }

  @Delete('follow')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Stop following an author' })
  async unfollow(
    @Param('username') target: string,
    @CurrentUser() caller: AccessTokenClaims,
  ): Promise<{ profile: ProfileView }> {
    return {
      profile: await this.blog.send(BlogRpc.unfollow, {
        viewerId: caller.sub,
        username: caller.username,
        target,
      }),
    };
  }
}
