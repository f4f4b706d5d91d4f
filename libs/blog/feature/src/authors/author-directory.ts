import { Injectable } from '@nestjs/common';
import type { Actor } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { EntityManager } from 'typeorm';
import { AuthorEntity } from '../persistence/author.entity.js';

/** Finds authors in the projection, and admits a writer the projection has not heard of yet. */
@Injectable()
export class AuthorDirectory {
  /** Usernames are unique regardless of case, as in the auth service. */
  findByUsername(manager: EntityManager, username: string): Promise<AuthorEntity | null> {
    return manager
      .createQueryBuilder(AuthorEntity, 'author')
      .where('lower(author.username) = lower(:username)', { username })
      .getOne();
  }

  /**
   * The author row of whoever is writing. Their token proves who they are, so if `user.registered`
   * has not arrived yet the row is created from the token with version 0; the event, which always
   * has a higher version, fills in bio and image later.
   */
  async ensureActor(manager: EntityManager, actor: Actor): Promise<AuthorEntity> {
    const known = await manager.findOneBy(AuthorEntity, { userId: actor.viewerId });
    if (known) return known;
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuthorEntity)
      .values({
        userId: actor.viewerId,
        username: actor.username,
        bio: null,
        image: null,
        version: 0,
      })
      .orIgnore()
      .execute();
    const created = await manager.findOneBy(AuthorEntity, { userId: actor.viewerId });
    // Only possible when the token's username now belongs to someone else and the rename
    // events are still on their way: a moment later the projection has caught up.
    if (!created) throw new ServiceError(409, { author: ['is not known yet; try again shortly'] });
    return created;
  }
}
