import { Injectable, Logger } from '@nestjs/common';
import { BlogEvents, type UserProfileData } from '@capstone/contracts';
import { OutboxTransactions, recordEvent } from '@capstone/outbox';

/**
 * Keeps the `authors` table in step with the auth service's user events. Each event carries the
 * whole public profile and the user's version, so applying it is one conditional upsert: a
 * repeated or older event (lower or equal version) changes nothing, in whatever order they come.
 * A change to a known author is announced as `author.updated` once it is applied, so caches of
 * pages that show the author are invalidated after, not before, the blog answers with the change.
 */
@Injectable()
export class AuthorProjection {
  private readonly logger = new Logger(AuthorProjection.name);

  constructor(private readonly transactions: OutboxTransactions) {}

  /** Applies the profile if it is newer than what is stored; answers whether it was. */
  async apply(profile: UserProfileData): Promise<boolean> {
    const applied = await this.transactions.run(async (manager) => {
      // `xmax = 0` tells a fresh insert from an update of an existing row.
      const rows = await manager.query<{ inserted: boolean }[]>(
        `INSERT INTO authors (user_id, username, bio, image, version)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE
           SET username = EXCLUDED.username, bio = EXCLUDED.bio, image = EXCLUDED.image,
               version = EXCLUDED.version
           WHERE authors.version < EXCLUDED.version
         RETURNING (xmax = 0) AS inserted`,
        [profile.userId, profile.username, profile.bio, profile.image, profile.version],
      );
      const [row] = rows;
      if (row && !row.inserted) {
        await recordEvent(manager, BlogEvents.authorUpdated, {
          userId: profile.userId,
          username: profile.username,
        });
      }
      return row !== undefined;
    });
    this.logger.debug({
      msg: applied ? 'author updated' : 'stale user event ignored',
      userId: profile.userId,
      version: profile.version,
    });
    return applied;
  }
}
