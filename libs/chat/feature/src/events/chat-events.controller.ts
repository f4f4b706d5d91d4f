import { Inject } from '@nestjs/common';
import {
  AuthEvents,
  BlogEvents,
  type ArticleEventData,
  type EventEnvelope,
  type SessionRevokedData,
  type UserProfileData,
} from '@capstone/contracts';
import { EventController, OnEvent } from '@capstone/messaging';
import { SESSION_REVOCATIONS, type SessionRevocations } from '@capstone/security';
import { ProfileChanges } from '../realtime/profile-changes.js';
import { RoomBroadcaster } from '../realtime/room-broadcaster.js';
import { ArticleAnnouncer } from './article-announcer.js';

/**
 * The events the chat consumes: user events feed the users projection, new articles are
 * announced in the articles room. Handlers are idempotent, because an event that failed or was
 * not acknowledged comes again; an event is acknowledged only once it has been applied.
 */
@EventController()
export class ChatEventsController {
  constructor(
    private readonly profiles: ProfileChanges,
    private readonly announcer: ArticleAnnouncer,
    @Inject(SESSION_REVOCATIONS) private readonly revoked: SessionRevocations,
    private readonly broadcaster: RoomBroadcaster,
  ) {}

  /** Both user events carry the whole profile with its version, so both are applied alike. */
  @OnEvent(AuthEvents.userRegistered, AuthEvents.userUpdated)
  async userChanged(event: EventEnvelope<UserProfileData>): Promise<void> {
    await this.profiles.apply(event.data);
  }

  /** A revoked session's tokens are refused from now on, and its open connections end. */
  @OnEvent(AuthEvents.sessionRevoked)
  async sessionRevoked(event: EventEnvelope<SessionRevokedData>): Promise<void> {
    await this.revoked.revoke(event.data.sessionId);
    this.broadcaster.endSession(event.data.sessionId);
  }

  @OnEvent(BlogEvents.articleCreated)
  async articleCreated(event: EventEnvelope<ArticleEventData>): Promise<void> {
    await this.announcer.announce(event.data);
  }
}
