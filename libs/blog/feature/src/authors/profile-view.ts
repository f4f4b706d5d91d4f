import type { ProfileView } from '@capstone/contracts';

export interface AuthorProfile {
  readonly username: string;
  readonly bio: string | null;
  readonly image: string | null;
}

export function toProfileView(author: AuthorProfile, following: boolean): ProfileView {
  return { username: author.username, bio: author.bio, image: author.image, following };
}
