import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthRpc,
  type AuthResult,
  type JsonWebKeySet,
  type LoginCommand,
  type RefreshCommand,
  type RegisterCommand,
  type SessionRef,
  type SessionView,
  type UpdateUserCommand,
  type UserView,
} from '@capstone/contracts';
import {
  BrokerCorrelationInterceptor,
  RpcAccessLogInterceptor,
  RpcFailureFilter,
} from '@capstone/messaging';
import { AccountsService } from '../accounts/accounts.service.js';
import { toUserView } from '../accounts/user-views.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SigningKey } from '../tokens/signing-key.js';

/** The auth service's broker interface: one handler per request in `AuthRpc`, nothing else. */
@Controller()
@UseFilters(RpcFailureFilter)
// Outermost first: the correlation id must be set before the access log line is written.
@UseInterceptors(BrokerCorrelationInterceptor, RpcAccessLogInterceptor)
export class AuthRpcController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly signingKey: SigningKey,
  ) {}

  @MessagePattern(AuthRpc.register.pattern)
  register(@Payload() command: RegisterCommand): Promise<AuthResult> {
    return this.accounts.register(command);
  }

  @MessagePattern(AuthRpc.login.pattern)
  login(@Payload() command: LoginCommand): Promise<AuthResult> {
    return this.accounts.login(command);
  }

  @MessagePattern(AuthRpc.getUser.pattern)
  getUser(@Payload() query: { userId: string }): Promise<UserView> {
    return this.accounts.getUser(query.userId);
  }

  @MessagePattern(AuthRpc.updateUser.pattern)
  updateUser(@Payload() command: UpdateUserCommand): Promise<UserView> {
    return this.accounts.updateUser(command);
  }

  @MessagePattern(AuthRpc.refresh.pattern)
  async refresh(@Payload() command: RefreshCommand): Promise<AuthResult> {
    const { user, tokens } = await this.sessions.refresh(command.refreshToken, command.client);
    return { user: toUserView(user), tokens };
  }

  @MessagePattern(AuthRpc.logout.pattern)
  async logout(@Payload() ref: SessionRef): Promise<{ revoked: boolean }> {
    await this.sessions.revoke(ref.userId, ref.sessionId, 'logged out');
    return { revoked: true };
  }

  @MessagePattern(AuthRpc.listSessions.pattern)
  listSessions(@Payload() ref: SessionRef): Promise<SessionView[]> {
    return this.sessions.list(ref.userId, ref.sessionId);
  }

  @MessagePattern(AuthRpc.revokeSession.pattern)
  async revokeSession(@Payload() ref: SessionRef): Promise<{ revoked: boolean }> {
    await this.sessions.revoke(ref.userId, ref.sessionId, 'revoked by the user');
    return { revoked: true };
  }

  @MessagePattern(AuthRpc.jwks.pattern)
  jwks(): JsonWebKeySet {
    return this.signingKey.jwks();
  }
}
