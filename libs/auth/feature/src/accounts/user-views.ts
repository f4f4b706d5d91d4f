import type { UserProfileData, UserView } from '@capstone/contracts';
import type { UserEntity } from '../persistence/user.entity.js';

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    bio: user.bio,
    image: user.image,
    role: user.role,
    version: user.version,
  };
}

export function toProfileData(user: UserEntity): UserProfileData {
  return {
    userId: user.id,
    email: user.email,
    username: user.username,
    bio: user.bio,
    image: user.image,
    version: user.version,
  };
}
