import { Controller, Logger, UseInterceptors } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AuthEvents } from '@capstone/contracts';
import {
  BrokerCorrelationInterceptor,
  EVENT_CONSUMER,
  EventAckInterceptor,
} from '@capstone/messaging';
import { AuthorProjection } from '../authors/author-projection.js';
import { parseUserEvent } from './user-profile-data.schema.js';

/**
 * The events the blog consumes: the auth service's user events, which feed the authors
 * projection. Handlers are idempotent because a failed or unacknowledged event comes again.
 */
@Controller()
@UseInterceptors(BrokerCorrelationInterceptor, EventAckInterceptor)
export class UserEventsController {
  private readonly logger = new Logger(UserEventsController.name);

  constructor(private readonly projection: AuthorProjection) {}

  @EventPattern(AuthEvents.userRegistered.name, EVENT_CONSUMER)
  userRegistered(@Payload() payload: unknown): Promise<void> {
    return this.apply(payload);
  }

  @EventPattern(AuthEvents.userUpdated.name, EVENT_CONSUMER)
  userUpdated(@Payload() payload: unknown): Promise<void> {
    return this.apply(payload);
  }

  /** Both events carry the whole profile with its version, so both are applied the same way. */
  private async apply(payload: unknown): Promise<void> {
    const event = parseUserEvent(payload);
    if (!event) {
      // Trying again cannot make it well-formed: drop it (it is acknowledged) and say so.
      this.logger.error({ msg: 'malformed user event dropped', payload });
      return;
    }
    await this.projection.apply(event.data);
  }
}
