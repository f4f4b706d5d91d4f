import {
  ArticleChanges,
  ArticleView,
  articleFilterShape,
  BlogFields,
  CommentView,
  NewArticle,
  pageShape,
  ProfileView,
  strictObject,
} from '@capstone/contracts';
import { z } from 'zod';

/** The RealWorld bodies and queries of the blog endpoints, built from the blog contract. */
export const NewArticleBody = strictObject({ article: NewArticle });
export const ArticleChangesBody = strictObject({ article: ArticleChanges });
export const NewCommentBody = strictObject({
  comment: strictObject({ body: BlogFields.comment }, 'must be an object with the comment fields'),
});

/** Query strings are text: `limit` and `offset` are read as numbers. */
export const PageQuery = strictObject(pageShape({ coerce: true }));
export const ListArticlesQuery = strictObject({
  ...articleFilterShape,
  ...pageShape({ coerce: true }),
});
export const CommentsQuery = strictObject(pageShape({ coerce: true, of: 'comments' }));

export const ArticleResponse = z.object({ article: ArticleView });
export const CommentResponse = z.object({ comment: CommentView });
/** RealWorld's body, and how many comments the article has in all, for paging through them. */
export const CommentsResponse = z.object({
  comments: z.array(CommentView),
  commentsCount: z.number().int(),
});
export type CommentsPage = z.infer<typeof CommentsResponse>;
export const ProfileResponse = z.object({ profile: ProfileView });
export const TagsResponse = z.object({ tags: z.array(z.string()) });
