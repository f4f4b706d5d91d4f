import { AuthRpc, type RpcPayload, type RpcReply } from '@capstone/contracts';
import { Rpc, RpcController } from '@capstone/messaging';
import { AccountsService } from '../accounts/accounts.service.js';
import { toUserView } from '../accounts/user-views.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SigningKey } from '../tokens/signing-key.js';

type Payload<K extends keyof typeof AuthRpc> = RpcPayload<(typeof AuthRpc)[K]>;
type Reply<K extends keyof typeof AuthRpc> = Promise<RpcReply<(typeof AuthRpc)[K]>>;

/**
 * The auth service's broker interface: one handler per request in `AuthRpc`, nothing else. Each
 * payload arrives checked against its contract (`@Rpc`), whoever put it on the queue.
 */
@RpcController()
export class AuthRpcController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly signingKey: SigningKey,
  ) {}

  @Rpc(AuthRpc.register)
  register(command: Payload<'register'>): Reply<'register'> {
    return this.accounts.register(command);
  }

  @Rpc(AuthRpc.login)
  login(command: Payload<'login'>): Reply<'login'> {
    return this.accounts.login(command);
  }

  @Rpc(AuthRpc.getUser)
  getUser(query: Payload<'getUser'>): Reply<'getUser'> {
    return this.accounts.getUser(query.userId);
  }

  @Rpc(AuthRpc.updateUser)
  updateUser(command: Payload<'updateUser'>): Reply<'updateUser'> {
    return this.accounts.updateUser(command);
  }

  @Rpc(AuthRpc.refresh)
  async refresh(command: Payload<'refresh'>): Reply<'refresh'> {
    const { user, tokens } = await this.sessions.refresh(command.refreshToken, command.client);
    return { user: toUserView(user), tokens };
  }

  @Rpc(AuthRpc.logout)
  async logout(ref: Payload<'logout'>): Reply<'logout'> {
    await this.sessions.revoke(ref.userId, ref.sessionId, 'logged out');
    return { revoked: true };
  }

  @Rpc(AuthRpc.listSessions)
  listSessions(ref: Payload<'listSessions'>): Reply<'listSessions'> {
    return this.sessions.list(ref.userId, ref.sessionId);
  }

  @Rpc(AuthRpc.revokeSession)
  async revokeSession(ref: Payload<'revokeSession'>): Reply<'revokeSession'> {
    await this.sessions.revoke(ref.userId, ref.sessionId, 'revoked by the user');
    return { revoked: true };
  }

  @Rpc(AuthRpc.jwks)
  async jwks(): Reply<'jwks'> {
    return this.signingKey.jwks();
  }
}
