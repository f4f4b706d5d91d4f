import { Inject, Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '@capstone/errors';
import {
  AccessTokenVerifier,
  InvalidTokenError,
  SESSION_REVOCATIONS,
  tokenFromHeader,
  type SessionRevocations,
} from '@capstone/security';
import { decodeJwt } from 'jose';
import type { ChatConnection } from './socket-types.js';

/**
 * Authenticates each Socket.IO connection in its handshake, with the same access tokens as the
 * REST API: `io(url, { auth: { token } })`, or an `Authorization: Bearer|Token` header. A refused
 * handshake reaches the client as `connect_error` with the reason as its message.
 */
@Injectable()
export class SocketAuthenticator {
  private readonly logger = new Logger(SocketAuthenticator.name);

  constructor(
    private readonly verifier: AccessTokenVerifier,
    @Inject(SESSION_REVOCATIONS) private readonly revoked: SessionRevocations,
  ) {}

  /** Socket.IO middleware: runs before `connection`; an error refuses the connection. */
  readonly middleware = (socket: ChatConnection, next: (error?: Error) => void): void => {
    this.authenticate(socket).then(
      () => next(),
      (error: Error) => next(error),
    );
  };

  private async authenticate(socket: ChatConnection): Promise<void> {
    const token = tokenOf(socket);
    if (!token) throw new Error('token is missing');
    let sessionId: string;
    try {
      const claims = await this.verifier.verify(token);
      // Verified just above, so its expiry can be read without checking the signature again.
      const { exp } = decodeJwt(token);
      socket.data.user = { userId: claims.sub, username: claims.username };
      socket.data.expiresAt = (exp ?? 0) * 1_000;
      socket.data.sessionId = sessionId = claims.sid;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new Error(`token ${error.message}`);
      this.logger.warn({
        msg: 'could not verify a token',
        error: errorMessage(error),
      });
      throw new Error('authentication is unavailable; try again shortly');
    }
    if (await this.revoked.isRevoked(sessionId)) throw new Error('token has been revoked');
  }
}

function tokenOf(socket: ChatConnection): string | undefined {
  const { auth, headers } = socket.handshake;
  const fromAuth: unknown = auth['token'];
  if (typeof fromAuth === 'string' && fromAuth !== '') return fromAuth;
  return tokenFromHeader(headers.authorization);
}
