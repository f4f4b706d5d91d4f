import { Controller, Logger, UseInterceptors } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AuthEvents, BlogEvents } from '@capstone/contracts';
import {
  BrokerCorrelationInterceptor,
  EVENT_CONSUMER,
  EventAckInterceptor,
} from '@capstone/messaging';
import { RevokedSessionStore } from '@capstone/redis';
import { z } from 'zod';
import { RoomBroadcaster } from '../realtime/room-broadcaster.js';
import { UserDirectory } from '../users/user-directory.js';
import { ArticleAnnouncer } from './article-announcer.js';

// Tolerant readers: only the fields the chat uses, so the publishers may add others freely.
const userEvent = z.object({
  data: z.object({
    userId: z.string().min(1),
    username: z.string().min(1),
    version: z.number().int().min(1),
  }),
});
const articleEvent = z.object({
  data: z.object({
    articleId: z.string().min(1),
    slug: z.string().min(1),
    title: z.string().min(1),
    authorUsername: z.string().min(1),
  }),
});

const sessionEvent = z.object({ data: z.object({ sessionId: z.string().min(1) }) });

/**
 * The events the chat consumes: user events feed the users projection, new articles are
 * announced in the articles room. Handlers are idempotent, because an event that failed or was
 * not acknowledged comes again; an event is acknowledged only once it has been applied.
 */
@Controller()
@UseInterceptors(BrokerCorrelationInterceptor, EventAckInterceptor)
export class ChatEventsController {
  private readonly logger = new Logger(ChatEventsController.name);

  constructor(
    private readonly users: UserDirectory,
    private readonly announcer: ArticleAnnouncer,
    private readonly revoked: RevokedSessionStore,
    private readonly broadcaster: RoomBroadcaster,
  ) {}

  @EventPattern(AuthEvents.userRegistered.name, EVENT_CONSUMER)
  userRegistered(@Payload() payload: unknown): Promise<void> {
    return this.applyUser(payload);
  }

  @EventPattern(AuthEvents.userUpdated.name, EVENT_CONSUMER)
  userUpdated(@Payload() payload: unknown): Promise<void> {
    return this.applyUser(payload);
  }

  /** A revoked session's tokens are refused from now on, and its open connections end. */
  @EventPattern(AuthEvents.sessionRevoked.name, EVENT_CONSUMER)
  async sessionRevoked(@Payload() payload: unknown): Promise<void> {
    const event = this.read(sessionEvent, payload);
    if (!event) return;
    await this.revoked.revoke(event.data.sessionId);
    this.broadcaster.endSession(event.data.sessionId);
  }

  @EventPattern(BlogEvents.articleCreated.name, EVENT_CONSUMER)
  async articleCreated(@Payload() payload: unknown): Promise<void> {
    const event = this.read(articleEvent, payload);
    if (event) await this.announcer.announce(event.data);
  }

  /** Both user events carry the whole profile with its version, so both are applied alike. */
  private async applyUser(payload: unknown): Promise<void> {
    const event = this.read(userEvent, payload);
    if (event) await this.users.apply(event.data);
  }

  /** A malformed event cannot become well-formed by retrying: it is logged and acknowledged. */
  private read<T>(schema: z.ZodType<T>, payload: unknown): T | undefined {
    const result = schema.safeParse(payload);
    if (!result.success) this.logger.error({ msg: 'malformed event dropped', payload });
    return result.success ? result.data : undefined;
  }
}
