import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BlogRpc,
  ChatRpc,
  type ProfileSnapshot,
  type RpcDefinition,
  type UserView,
} from '@capstone/contracts';
import { errorMessage } from '@capstone/errors';
import { BrokerClient } from '@capstone/messaging';
import { BLOG_SERVICE, CHAT_SERVICE } from '../broker/broker.module.js';
import { BlogCacheInvalidation } from '../cache/blog-cache-invalidation.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

/**
 * Read your own profile writes. Auth owns the profile; the blog and the chat serve it from
 * projections that auth's user events update a moment later, and this gateway caches the blog's
 * answers. So once auth has answered, the new profile at its version is applied to both
 * projections (idempotent by version: the user event that follows changes nothing), and the cached
 * pages that may show the user are made stale, before the writer is answered.
 *
 * The change is made once auth answered, so a projection that fails or does not answer within
 * `PROFILE_SYNC_TIMEOUT_MS` does not fail the request: it is logged and left to the user event,
 * which brings that projection up to date a moment later (and the blog's `author.updated` then
 * evicts the cache again).
 */
@Injectable()
export class ProfilePropagation {
  private readonly logger = new Logger(ProfilePropagation.name);

  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    @Inject(CHAT_SERVICE) private readonly chat: BrokerClient,
    private readonly invalidation: BlogCacheInvalidation,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** A new user, known to the blog and the chat at once. No cached page can show them yet. */
  async registered(user: UserView): Promise<void> {
    await this.applyEverywhere(snapshotOf(user));
  }

  /** A changed profile: applied, then every cached page that may show the user made stale. */
  async changed(user: UserView): Promise<void> {
    await this.applyEverywhere(snapshotOf(user));
    await this.invalidation.authorChanged();
  }

  private async applyEverywhere(profile: ProfileSnapshot): Promise<void> {
    await Promise.all([
      this.apply(this.blog, BlogRpc.applyAuthor, profile),
      this.apply(this.chat, ChatRpc.applyUser, profile),
    ]);
  }

  private async apply(
    service: BrokerClient,
    rpc: RpcDefinition<typeof ProfileSnapshot>,
    profile: ProfileSnapshot,
  ): Promise<void> {
    const deadline = new AbortController();
    const timeoutMs = this.config.PROFILE_SYNC_TIMEOUT_MS;
    try {
      await Promise.race([
        service.send(rpc, profile),
        delay(timeoutMs, undefined, { signal: deadline.signal }).then(() => {
          throw new Error(`no answer within ${timeoutMs} ms`);
        }),
      ]);
    } catch (error) {
      this.logger.warn({
        msg: `${rpc.pattern} left to the user event: ${errorMessage(error)}`,
        userId: profile.userId,
        version: profile.version,
      });
    } finally {
      deadline.abort();
    }
  }
}

function snapshotOf(user: UserView): ProfileSnapshot {
  const { id: userId, email, username, bio, image, version } = user;
  return { userId, email, username, bio, image, version };
}
