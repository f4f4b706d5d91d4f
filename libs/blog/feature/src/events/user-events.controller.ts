import { AuthEvents, type EventEnvelope, type UserProfileData } from '@capstone/contracts';
import { EventController, OnEvent } from '@capstone/messaging';
import { AuthorProjection } from '../authors/author-projection.js';

/**
 * The events the blog consumes: the auth service's user events, which feed the authors
 * projection. Handlers are idempotent because a failed or unacknowledged event comes again.
 */
@EventController()
export class UserEventsController {
  constructor(private readonly projection: AuthorProjection) {}

  /** Both events carry the whole profile with its version, so both are applied the same way. */
  @OnEvent(AuthEvents.userRegistered, AuthEvents.userUpdated)
  async userChanged(event: EventEnvelope<UserProfileData>): Promise<void> {
    await this.projection.apply(event.data);
  }
}
