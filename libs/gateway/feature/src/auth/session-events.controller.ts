import { Controller, Logger, UseInterceptors } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AuthEvents } from '@capstone/contracts';
import { BrokerCorrelationInterceptor, EventAckInterceptor } from '@capstone/messaging';
import { z } from 'zod';
import { RevokedSessionStore } from '@capstone/redis';

const sessionRevoked = z.object({ data: z.object({ sessionId: z.string() }) });

/**
 * Learns from the auth service which sessions ended, including those it ended itself (a reused
 * refresh token), so that their access tokens stop working at once on every gateway.
 */
@Controller()
@UseInterceptors(BrokerCorrelationInterceptor, EventAckInterceptor)
export class SessionEventsController {
  private readonly logger = new Logger(SessionEventsController.name);

  constructor(private readonly revoked: RevokedSessionStore) {}

  @EventPattern(AuthEvents.sessionRevoked.name)
  async sessionRevoked(@Payload() payload: unknown): Promise<void> {
    const event = sessionRevoked.safeParse(payload);
    if (!event.success) {
      this.logger.error({ msg: 'malformed event dropped', payload });
      return;
    }
    await this.revoked.revoke(event.data.data.sessionId);
  }
}
