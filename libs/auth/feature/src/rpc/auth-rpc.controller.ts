import { AuthRpc, type RpcHandlers, type RpcPayload } from '@capstone/contracts';
import { Rpc, RpcController } from '@capstone/messaging';
import { AccountsService } from '../accounts/accounts.service.js';
import { toUserView } from '../accounts/user-views.js';
import { SessionRefresh } from '../sessions/session-refresh.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SigningKey } from '../tokens/signing-key.js';

/**
 * The auth service's broker interface: one handler per request in `AuthRpc` (a missing one does
 * not compile), nothing else. Each payload arrives checked against its contract (`@Rpc`), whoever
 * put it on the queue; replies are typed from the contract too.
 */
@RpcController()
export class AuthRpcController implements RpcHandlers<typeof AuthRpc> {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly sessionRefresh: SessionRefresh,
    private readonly signingKey: SigningKey,
  ) {}

  @Rpc(AuthRpc.register)
  register(command: RpcPayload<typeof AuthRpc.register>) {
    return this.accounts.register(command);
  }

  @Rpc(AuthRpc.login)
  login(command: RpcPayload<typeof AuthRpc.login>) {
    return this.accounts.login(command);
  }

  @Rpc(AuthRpc.getUser)
  getUser(query: RpcPayload<typeof AuthRpc.getUser>) {
    return this.accounts.getUser(query.userId);
  }

  @Rpc(AuthRpc.updateUser)
  updateUser(command: RpcPayload<typeof AuthRpc.updateUser>) {
    return this.accounts.updateUser(command);
  }

  @Rpc(AuthRpc.refresh)
  async refresh(command: RpcPayload<typeof AuthRpc.refresh>) {
    const { user, tokens } = await this.sessionRefresh.refresh(
      command.refreshToken,
      command.client,
    );
    return { user: toUserView(user), tokens };
  }

  @Rpc(AuthRpc.logout)
  async logout(ref: RpcPayload<typeof AuthRpc.logout>) {
    await this.sessions.revoke(ref.userId, ref.sessionId, 'logged out');
    return { revoked: true };
  }

  @Rpc(AuthRpc.listSessions)
  listSessions(ref: RpcPayload<typeof AuthRpc.listSessions>) {
    return this.sessions.list(ref.userId, ref.sessionId);
  }

  @Rpc(AuthRpc.revokeSession)
  async revokeSession(ref: RpcPayload<typeof AuthRpc.revokeSession>) {
    await this.sessions.revoke(ref.userId, ref.sessionId, 'revoked by the user');
    return { revoked: true };
  }

  @Rpc(AuthRpc.revokeOtherSessions)
  async revokeOtherSessions(ref: RpcPayload<typeof AuthRpc.revokeOtherSessions>) {
    return { revoked: await this.sessions.signOutElsewhere(ref.userId, ref.sessionId) };
  }

  @Rpc(AuthRpc.jwks)
  async jwks() {
    return this.signingKey.jwks();
  }
}
