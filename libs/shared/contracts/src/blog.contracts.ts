import { defineEvent } from './events.js';
import { defineRpc } from './rpc.js';

/** The RPC queue the blog service consumes. */
export const BLOG_QUEUE = 'blog.rpc';
/** The queue the blog service receives other services' events on. */
export const BLOG_EVENTS_QUEUE = 'blog.events';

/** Limits of the blog's fields, shared by gateway validation and the service's own checks. */
export const BlogRules = {
  titleMaxLength: 200,
  descriptionMaxLength: 500,
  bodyMaxLength: 50_000,
  tagMaxLength: 40,
  tagsMax: 10,
  commentMaxLength: 5_000,
  listLimitDefault: 20,
  listLimitMax: 100,
  searchMaxLength: 200,
} as const;

export interface ProfileView {
  readonly username: string;
  readonly bio: string | null;
  readonly image: string | null;
  readonly following: boolean;
}

export interface ArticleView {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly body: string;
  readonly tagList: string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly favorited: boolean;
  readonly favoritesCount: number;
  readonly author: ProfileView;
}

export type ArticleListItem = Omit<ArticleView, 'body'>;

export interface ArticleList {
  readonly articles: ArticleListItem[];
  readonly articlesCount: number;
}

export interface CommentView {
  readonly id: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly body: string;
  readonly author: ProfileView;
}

/** Who is reading: the viewer's own `favorited` and `following` flags depend on it. */
export interface Viewer {
  readonly viewerId: string | null;
}

/**
 * Who is writing, from the verified access token. The username lets the blog know an author whose
 * `user.registered` event has not arrived yet (the event then fills in the rest).
 */
export interface Actor {
  readonly viewerId: string;
  readonly username: string;
}

export interface ArticleFilter {
  readonly tag?: string;
  readonly author?: string;
  readonly favorited?: string;
  readonly q?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface NewArticle {
  readonly title: string;
  readonly description: string;
  readonly body: string;
  readonly tagList?: string[];
}

export interface ArticleChanges {
  readonly title?: string;
  readonly description?: string;
  readonly body?: string;
  readonly tagList?: string[];
}

/** Which of the given articles the viewer favorited and which authors the viewer follows. */
export interface ViewerFlags {
  readonly favorited: string[];
  readonly following: string[];
}

export const BlogRpc = {
  getProfile: defineRpc<Viewer & { username: string }, ProfileView>('blog.profile.get'),
  follow: defineRpc<Actor & { target: string }, ProfileView>('blog.profile.follow'),
  unfollow: defineRpc<Actor & { target: string }, ProfileView>('blog.profile.unfollow'),
  listArticles: defineRpc<Viewer & ArticleFilter, ArticleList>('blog.article.list'),
  feed: defineRpc<{ viewerId: string; limit: number; offset: number }, ArticleList>(
    'blog.article.feed',
  ),
  getArticle: defineRpc<Viewer & { slug: string }, ArticleView>('blog.article.get'),
  createArticle: defineRpc<Actor & { article: NewArticle }, ArticleView>('blog.article.create'),
  updateArticle: defineRpc<Actor & { slug: string; changes: ArticleChanges }, ArticleView>(
    'blog.article.update',
  ),
  deleteArticle: defineRpc<Actor & { slug: string }, { deleted: true }>('blog.article.delete'),
  favorite: defineRpc<Actor & { slug: string }, ArticleView>('blog.article.favorite'),
  unfavorite: defineRpc<Actor & { slug: string }, ArticleView>('blog.article.unfavorite'),
  listComments: defineRpc<Viewer & { slug: string }, CommentView[]>('blog.comment.list'),
  addComment: defineRpc<Actor & { slug: string; body: string }, CommentView>('blog.comment.add'),
  deleteComment: defineRpc<Actor & { slug: string; commentId: number }, { deleted: true }>(
    'blog.comment.delete',
  ),
  listTags: defineRpc<Record<string, never>, string[]>('blog.tag.list'),
  viewerFlags: defineRpc<{ viewerId: string; slugs: string[]; usernames: string[] }, ViewerFlags>(
    'blog.viewer.flags',
  ),
} as const;

export interface ArticleEventData {
  readonly articleId: string;
  readonly slug: string;
  /** The slug before a title change renamed the article; absent when it did not change. */
  readonly previousSlug?: string;
  readonly title: string;
  readonly authorId: string;
  readonly authorUsername: string;
  readonly tagList: string[];
}

export interface CommentEventData {
  readonly commentId: number;
  readonly articleSlug: string;
  readonly authorId: string;
}

export interface FavoriteEventData {
  readonly articleSlug: string;
  readonly userId: string;
}

export interface FollowEventData {
  readonly followerId: string;
  readonly followedId: string;
  readonly followedUsername: string;
}

/** The blog's copy of an author changed (after a `user.updated`): pages showing them are stale. */
export interface AuthorEventData {
  readonly userId: string;
  readonly username: string;
}

export const BlogEvents = {
  authorUpdated: defineEvent<AuthorEventData>('author.updated'),
  articleCreated: defineEvent<ArticleEventData>('article.created'),
  articleUpdated: defineEvent<ArticleEventData>('article.updated'),
  articleDeleted: defineEvent<ArticleEventData>('article.deleted'),
  commentCreated: defineEvent<CommentEventData>('comment.created'),
  commentDeleted: defineEvent<CommentEventData>('comment.deleted'),
  articleFavorited: defineEvent<FavoriteEventData>('article.favorited'),
  articleUnfavorited: defineEvent<FavoriteEventData>('article.unfavorited'),
  profileFollowed: defineEvent<FollowEventData>('profile.followed'),
  profileUnfollowed: defineEvent<FollowEventData>('profile.unfollowed'),
} as const;
