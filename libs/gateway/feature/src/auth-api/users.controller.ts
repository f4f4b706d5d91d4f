import { Controller, Get, HttpCode, Inject, Post, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthRpc, type AccessTokenClaims } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser, Public, tokenFromHeader } from '@capstone/security';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AUTH_SERVICE } from '../broker/broker.module.js';
import { clientInfo } from '../http/request-context.js';
import { RateLimited } from '../http/rate-limits.js';
import { LoginThrottle } from './login-throttle.js';
import { ProfilePropagation } from './profile-propagation.js';
import { BodyOf, Returns, StrictQueries } from '../http/contract-params.js';
import { LoginBody, RegisterBody, UpdateUserBody, UserResponse } from './auth.schemas.js';
import { signedInResponse, userResponse } from './user-response.js';

/**
 * RealWorld's account endpoints: sign up, log in, read and update the current user. A new or
 * changed profile is applied to the blog and the chat before the answer (`ProfilePropagation`).
 */
@ApiTags('users')
@StrictQueries()
@Controller()
export class UsersController {
  constructor(
    @Inject(AUTH_SERVICE) private readonly auth: BrokerClient,
    private readonly throttle: LoginThrottle,
    private readonly propagation: ProfilePropagation,
  ) {}

  @Public()
  @RateLimited('signUp')
  @Post('users')
  @ApiOperation({ summary: 'Sign up' })
  @Returns(201, UserResponse)
  @ApiResponse({ status: 422, description: 'Invalid field, or email or username already taken' })
  async register(
    @BodyOf(RegisterBody) body: z.output<typeof RegisterBody>,
    @Req() request: FastifyRequest,
  ): Promise<UserResponse> {
    const result = await this.auth.send(AuthRpc.register, {
      ...body.user,
      client: clientInfo(request),
    });
    await this.propagation.registered(result.user);
    return signedInResponse(result);
  }

  @Public()
  @Post('users/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in' })
  @Returns(200, UserResponse)
  @ApiResponse({
    status: 401,
    description: 'Unknown email or wrong password (one answer for both)',
  })
  @ApiResponse({ status: 429, description: 'Too many failed attempts; see Retry-After' })
  async login(
    @BodyOf(LoginBody) body: z.output<typeof LoginBody>,
    @Req() request: FastifyRequest,
  ): Promise<UserResponse> {
    const client = clientInfo(request);
    const attempt = await this.throttle.begin(body.user.email, client.ip);
    try {
      const result = await this.auth.send(AuthRpc.login, { ...body.user, client });
      await attempt.succeeded();
      return signedInResponse(result);
    } catch (error) {
      // A wrong password stays counted; an answer that never checked one does not.
      if (!(error instanceof ServiceError && error.status === 401)) await attempt.abandoned();
      throw error;
    }
  }

  @Get('user')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The current user' })
  @Returns(200, UserResponse)
  async current(
    @CurrentUser() caller: AccessTokenClaims,
    @Req() request: FastifyRequest,
  ): Promise<UserResponse> {
    const user = await this.auth.send(AuthRpc.getUser, { userId: caller.sub });
    return userResponse(user, this.presentedToken(request));
  }

  @RateLimited('profileChange')
  @Put('user')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Update the current user: any of email, username, password, bio, image',
  })
  @Returns(200, UserResponse)
  async update(
    @CurrentUser() caller: AccessTokenClaims,
    @BodyOf(UpdateUserBody) body: z.output<typeof UpdateUserBody>,
    @Req() request: FastifyRequest,
  ): Promise<UserResponse> {
    const { currentPassword, ...changes } = body.user;
    const user = await this.auth.send(AuthRpc.updateUser, {
      userId: caller.sub,
      sessionId: caller.sid,
      ...(currentPassword === undefined ? {} : { currentPassword }),
      changes,
    });
    // What the blog and the chat show of a user; a new password or email shows nowhere.
    if (changes.username !== undefined || changes.bio !== undefined || changes.image !== undefined)
      await this.propagation.changed(user);
    return userResponse(user, this.presentedToken(request));
  }

  private presentedToken(request: FastifyRequest): string {
    const token = tokenFromHeader(request.headers.authorization);
    if (!token) throw ServiceError.unauthorized();
    return token;
  }
}
