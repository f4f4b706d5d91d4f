import { Injectable, Logger } from '@nestjs/common';
import type { UserProfileData } from '@capstone/contracts';
import { DataSource } from 'typeorm';

/**
 * Keeps the `authors` table in step with the auth service's user events. Each event carries the
 * whole public profile and the user's version, so applying it is one conditional upsert: a
 * repeated or older event (lower or equal version) changes nothing, in whatever order they come.
 */
@Injectable()
export class AuthorProjection {
  private readonly logger = new Logger(AuthorProjection.name);

  constructor(private readonly dataSource: DataSource) {}

  /** Applies the profile if it is newer than what is stored; answers whether it was. */
  async apply(profile: UserProfileData): Promise<boolean> {
    const rows = await this.dataSource.query<{ user_id: string }[]>(
      `INSERT INTO authors (user_id, username, bio, image, version)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE
         SET username = EXCLUDED.username, bio = EXCLUDED.bio, image = EXCLUDED.image,
             version = EXCLUDED.version
         WHERE authors.version < EXCLUDED.version
       RETURNING user_id`,
      [profile.userId, profile.username, profile.bio, profile.image, profile.version],
    );
    const applied = rows.length > 0;
    this.logger.debug({
      msg: applied ? 'author updated' : 'stale user event ignored',
      userId: profile.userId,
      version: profile.version,
    });
    return applied;
  }
}
