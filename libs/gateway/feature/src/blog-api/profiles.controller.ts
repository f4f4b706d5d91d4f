import { Controller, Delete, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlogFields, BlogRpc, type AccessTokenClaims, type ProfileView } from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser, OptionalAuth } from '@capstone/security';
import type { Response } from 'express';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogReads } from './blog-reads.js';
import { ParamOf, Returns } from '../http/contract-params.js';
import { ProfileResponse } from './blog.schemas.js';
import { served } from '../cache/cache-header.js';

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
  @Returns(200, ProfileResponse)
  async get(
    @ParamOf('username', BlogFields.username) username: string,
    @CurrentUser() caller: AccessTokenClaims | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ profile: ProfileView }> {
    return { profile: served(response, await this.reads.profile(username, caller?.sub ?? null)) };
  }

  @Post('follow')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Follow an author' })
  @Returns(200, ProfileResponse)
  async follow(
    @ParamOf('username', BlogFields.username) target: string,
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
  @Returns(200, ProfileResponse)
  async unfollow(
    @ParamOf('username', BlogFields.username) target: string,
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
