import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ChatUser, UserProfileData } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { Model } from 'mongoose';
import { ChatUserRecord } from '../persistence/chat-user.schema.js';
import { isDuplicateKey } from '../persistence/duplicate-key.js';

/** What the chat keeps of a user event. */
export type UserVersion = Pick<UserProfileData, 'userId' | 'username' | 'version'>;

/**
 * The users projection: who the users are, as the auth service's events told the chat. Names
 * are resolved here when messages and rooms are read, so a rename shows everywhere at once and
 * no stored message has to be rewritten.
 *
 * Each version is its own document and the highest one counts, so events can be applied in any
 * order, at the same time, and more than once: a repeat is refused by the unique index on
 * (user, version), an older version never wins. Versions older than a new one are then deleted.
 */
@Injectable()
export class UserDirectory {
  private readonly logger = new Logger(UserDirectory.name);

  constructor(@InjectModel(ChatUserRecord.name) private readonly users: Model<ChatUserRecord>) {}

  /** Records a user event; answers whether it is now the user's newest version. */
  async apply(profile: UserVersion): Promise<boolean> {
    const { userId, version } = profile;
    if (!(await this.record(profile))) return false;
    await this.users.deleteMany({ userId, version: { $lt: version } });
    const newest = !(await this.users.exists({ userId, version: { $gt: version } }));
    if (!newest) this.logger.debug({ msg: 'older user event ignored', userId, version });
    return newest;
  }

  /**
   * The user's newest version, for a user seen in a verified access token (whose name may be
   * older or newer). One whose `user.registered` event has not been applied yet is recorded as
   * version 0 with the token's name, so that others can find them; any event supersedes it.
   */
  async known(user: ChatUser): Promise<UserVersion> {
    const newest = await this.users
      .findOne({ userId: user.userId }, { userId: 1, username: 1, version: 1 })
      .sort({ version: -1 })
      .lean();
    if (newest)
      return { userId: newest.userId, username: newest.username, version: newest.version };
    await this.record({ ...user, version: 0 });
    return { ...user, version: 0 };
  }

  /** The users whose current name is one of these (in any case); unknown names are left out. */
  async findByUsernames(usernames: readonly string[]): Promise<ChatUser[]> {
    const keys = new Set(usernames.map((name) => name.toLowerCase()));
    const candidates = await this.users
      .find({ usernameKey: { $in: [...keys] } }, { userId: 1 })
      .lean();
    const current = await this.current(candidates.map((candidate) => candidate.userId));
    return [...current.values()].filter((user) => keys.has(user.username.toLowerCase()));
  }

  /** The user whose current name this is (in any case): 404 if none, 409 while it changes hands. */
  async findOne(username: string): Promise<ChatUser> {
    const [user, ...others] = await this.findByUsernames([username]);
    if (!user) throw ServiceError.notFound('user');
    // Only while a rename is on its way can two users share a name; guessing would be wrong.
    if (others.length > 0) {
      throw new ServiceError(409, { username: ['is changing hands; try again shortly'] });
    }
    return user;
  }

  /** The current name of each of these users that the projection knows. */
  async names(userIds: Iterable<string>): Promise<Map<string, string>> {
    const current = await this.current(userIds);
    return new Map([...current].map(([userId, user]) => [userId, user.username]));
  }

  private async current(userIds: Iterable<string>): Promise<Map<string, ChatUser>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    const versions = await this.users
      .find({ userId: { $in: ids } })
      .sort({ userId: 1, version: -1 })
      .lean();
    const current = new Map<string, ChatUser>();
    for (const { userId, username } of versions) {
      if (!current.has(userId)) current.set(userId, { userId, username });
    }
    return current;
  }

  /** Inserts the version; false if it was there already. */
  private async record({ userId, username, version }: UserVersion): Promise<boolean> {
    try {
      await this.users.create({ userId, version, username, usernameKey: username.toLowerCase() });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }
}
