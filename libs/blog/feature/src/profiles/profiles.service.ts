import { Injectable } from '@nestjs/common';
import { BlogEvents, type Actor, type ProfileView } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { recordEvent } from '@capstone/outbox';
import { DataSource, type EntityManager } from 'typeorm';
import { AuthorDirectory } from '../authors/author-directory.js';
import { toProfileView } from '../authors/profile-view.js';
import type { AuthorEntity } from '../persistence/author.entity.js';
import { FollowEntity } from '../persistence/follow.entity.js';
import { OutboxTransactions } from '@capstone/outbox';

/** Profiles as a viewer sees them, and following. Following twice or unfollowing a stranger changes nothing. */
@Injectable()
export class ProfilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: OutboxTransactions,
    private readonly authors: AuthorDirectory,
  ) {}

  async get(request: { viewerId: string | null; username: string }): Promise<ProfileView> {
    const manager = this.dataSource.manager;
    const author = await this.findProfile(manager, request.username);
    const following =
      request.viewerId !== null &&
      (await manager.existsBy(FollowEntity, {
        followerId: request.viewerId,
        followedId: author.userId,
      }));
    return toProfileView(author, following);
  }

  follow(command: Actor & { target: string }): Promise<ProfileView> {
    return this.transactions.run(async (manager) => {
      await this.authors.ensureActor(manager, command);
      const followed = await this.findFollowable(manager, command);
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO follows (follower_id, followed_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING followed_id`,
        [command.viewerId, followed.userId],
      );
      if (inserted.length > 0) {
        await recordEvent(manager, BlogEvents.profileFollowed, {
          followerId: command.viewerId,
          followedId: followed.userId,
          followedUsername: followed.username,
        });
      }
      return toProfileView(followed, true);
    });
  }

  unfollow(command: Actor & { target: string }): Promise<ProfileView> {
    return this.transactions.run(async (manager) => {
      const followed = await this.findFollowable(manager, command);
      const { affected } = await manager.delete(FollowEntity, {
        followerId: command.viewerId,
        followedId: followed.userId,
      });
      if (affected) {
        await recordEvent(manager, BlogEvents.profileUnfollowed, {
          followerId: command.viewerId,
          followedId: followed.userId,
          followedUsername: followed.username,
        });
      }
      return toProfileView(followed, false);
    });
  }

  private async findProfile(manager: EntityManager, username: string): Promise<AuthorEntity> {
    const author = await this.authors.findByUsername(manager, username);
    if (!author) throw ServiceError.notFound('profile');
    return author;
  }

  private async findFollowable(
    manager: EntityManager,
    command: Actor & { target: string },
  ): Promise<AuthorEntity> {
    const target = await this.findProfile(manager, command.target);
    if (target.userId === command.viewerId) {
      throw ServiceError.invalid('profile', "can't follow yourself");
    }
    return target;
  }
}
