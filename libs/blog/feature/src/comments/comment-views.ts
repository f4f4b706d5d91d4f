import type { CommentView } from '@capstone/contracts';
import { toProfileView, type AuthorProfile } from '../authors/profile-view.js';

export interface CommentRecord {
  readonly id: number;
  readonly body: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A comment with its author and the viewer's `following` flag, as the list query returns it. */
export interface CommentRow extends CommentRecord, AuthorProfile {
  readonly following: boolean;
}

export function toCommentView(
  comment: CommentRecord,
  author: AuthorProfile,
  following: boolean,
): CommentView {
  return {
    id: comment.id,
    createdAt: comment.createdAt.toISOString(),
    updatedAt: comment.updatedAt.toISOString(),
    body: comment.body,
    author: toProfileView(author, following),
  };
}
