import { z } from 'zod';

/** What the blog answers with: the RealWorld shapes of profiles, articles and comments. */
export const ProfileView = z.object({
  username: z.string(),
  bio: z.string().nullable(),
  image: z.string().nullable(),
  following: z.boolean(),
});
export type ProfileView = z.infer<typeof ProfileView>;

export const ArticleListItem = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  tagList: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  favorited: z.boolean(),
  favoritesCount: z.number().int(),
  author: ProfileView,
});
export type ArticleListItem = z.infer<typeof ArticleListItem>;

export const ArticleView = ArticleListItem.extend({ body: z.string() });
export type ArticleView = z.infer<typeof ArticleView>;

export const ArticleList = z.object({
  articles: z.array(ArticleListItem),
  articlesCount: z.number().int(),
});
export type ArticleList = z.infer<typeof ArticleList>;

export const CommentView = z.object({
  id: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  body: z.string(),
  author: ProfileView,
});
export type CommentView = z.infer<typeof CommentView>;

/** Which of the given articles the viewer favorited and which authors the viewer follows. */
export const ViewerFlags = z.object({
  favorited: z.array(z.string()),
  following: z.array(z.string()),
});
export type ViewerFlags = z.infer<typeof ViewerFlags>;
