import { Inject } from '@nestjs/common';
import { AuthEvents, type EventEnvelope, type SessionRevokedData } from '@capstone/contracts';
import { EventController, OnEvent } from '@capstone/messaging';
import { SESSION_REVOCATIONS, type SessionRevocations } from '@capstone/security';

/**
 * Learns from the auth service which sessions ended, including those it ended itself (a reused
 * refresh token), so that their access tokens stop working at once on every gateway.
 */
@EventController()
export class SessionEventsController {
  constructor(@Inject(SESSION_REVOCATIONS) private readonly revoked: SessionRevocations) {}

  @OnEvent(AuthEvents.sessionRevoked)
  async sessionRevoked({ data }: EventEnvelope<SessionRevokedData>): Promise<void> {
    await this.revoked.revoke(data.sessionId);
  }
}
