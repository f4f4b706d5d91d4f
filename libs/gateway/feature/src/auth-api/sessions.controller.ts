import { Controller, Delete, Get, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AccountFields,
  AuthRpc,
  JsonWebKeySet,
  SessionView,
  type AccessTokenClaims,
} from '@capstone/contracts';
import { errorMessage } from '@capstone/errors';
import { BrokerClient } from '@capstone/messaging';
import { CurrentUser, Public } from '@capstone/security';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AUTH_SERVICE } from '../broker/broker.module.js';
import { clientInfo } from '../http/request-context.js';
import { SESSION_REVOCATIONS, type SessionRevocations } from '@capstone/security';
import { BodyOf, ParamOf, Returns, StrictQueries } from '../http/contract-params.js';
import { RefreshBody, UserResponse } from './auth.schemas.js';
import { signedInResponse } from './user-response.js';
import { RateLimited } from '../http/rate-limits.js';

/** Beyond RealWorld: refresh tokens, sessions one can see and revoke, and the public signing keys. */
@ApiTags('auth')
@StrictQueries()
@Controller('auth')
export class SessionsController {
  private readonly logger = new Logger(SessionsController.name);

  constructor(
    @Inject(AUTH_SERVICE) private readonly auth: BrokerClient,
    @Inject(SESSION_REVOCATIONS) private readonly revoked: SessionRevocations,
  ) {}

  @Public()
  @RateLimited('refresh')
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade a refresh token for a new access token and a new refresh token' })
  @Returns(200, UserResponse)
  @ApiResponse({
    status: 401,
    description: 'Invalid, expired or already used (the session is then revoked)',
  })
  async refresh(
    @BodyOf(RefreshBody) body: z.output<typeof RefreshBody>,
    @Req() request: FastifyRequest,
  ): Promise<UserResponse> {
    const result = await this.auth.send(AuthRpc.refresh, {
      refreshToken: body.refreshToken,
      client: clientInfo(request),
    });
    return signedInResponse(result);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the current session: its access and refresh tokens stop working' })
  async logout(@CurrentUser() caller: AccessTokenClaims): Promise<void> {
    await this.auth.send(AuthRpc.logout, { userId: caller.sub, sessionId: caller.sid });
    // At once, for the very next request; the session.revoked event tells the other gateways too.
    await this.revokeHere(caller.sid);
  }

  @Get('sessions')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's active sessions, most recently used first" })
  @Returns(200, z.object({ sessions: z.array(SessionView) }))
  async sessions(@CurrentUser() caller: AccessTokenClaims): Promise<{ sessions: SessionView[] }> {
    return {
      sessions: await this.auth.send(AuthRpc.listSessions, {
        userId: caller.sub,
        sessionId: caller.sid,
      }),
    };
  }

  @Delete('sessions')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign out everywhere else: every session of the caller but this one' })
  @Returns(200, z.object({ revoked: z.number().int() }))
  async revokeOthers(@CurrentUser() caller: AccessTokenClaims): Promise<{ revoked: number }> {
    // The session.revoked events tell every gateway and chat; they arrive within moments.
    return this.auth.send(AuthRpc.revokeOtherSessions, {
      userId: caller.sub,
      sessionId: caller.sid,
    });
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Revoke one of the caller's sessions (someone else's is not found)" })
  async revoke(
    @CurrentUser() caller: AccessTokenClaims,
    @ParamOf('id', AccountFields.sessionId, { notFound: 'session' }) id: string,
  ): Promise<void> {
    await this.auth.send(AuthRpc.revokeSession, { userId: caller.sub, sessionId: id });
    await this.revokeHere(id);
  }

  @Public()
  @Get('jwks')
  @ApiOperation({ summary: 'The public keys that verify access tokens (JWKS)' })
  @Returns(200, JsonWebKeySet)
  jwks(): Promise<JsonWebKeySet> {
    return this.auth.send(AuthRpc.jwks, {});
  }

  /**
   * Refuses the session's tokens on this gateway at once. Auth has ended the session either way,
   * and its session.revoked event records it on every gateway, retried until Redis takes it.
   */
  private async revokeHere(sessionId: string): Promise<void> {
    try {
      await this.revoked.revoke(sessionId);
    } catch (error) {
      this.logger.warn(
        `session ${sessionId} left to its session.revoked event: ${errorMessage(error)}`,
      );
    }
  }
}
