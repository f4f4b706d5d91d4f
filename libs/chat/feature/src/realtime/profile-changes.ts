import { Injectable } from '@nestjs/common';
import { UserDirectory, type UserVersion } from '../users/user-directory.js';
import { InstanceBus } from './instance-bus.js';
import { InstanceEvent } from './socket-types.js';

/**
 * Applies a user's profile version (from `user.registered`/`user.updated`, or the gateway's
 * `chat.user.apply`) to the users projection and, when it is the newest, to the name their open
 * connections carry on every instance (`ConnectedUsers`), so that their next message goes out
 * under it.
 */
@Injectable()
export class ProfileChanges {
  constructor(
    private readonly users: UserDirectory,
    private readonly bus: InstanceBus,
  ) {}

  /** Answers whether the version is now the user's newest. */
  async apply(profile: UserVersion): Promise<boolean> {
    const newest = await this.users.apply(profile);
    if (newest) {
      const { userId, username, version } = profile;
      await this.bus.publish(InstanceEvent.userChanged, { userId, username, version });
    }
    return newest;
  }
}
