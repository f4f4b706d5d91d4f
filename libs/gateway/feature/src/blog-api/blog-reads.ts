import { Inject, Injectable } from '@nestjs/common';
import {
  BlogRpc,
  type ArticleFilter,
  type ArticleList,
  type ArticleView,
  type CommentView,
  type ProfileView,
  type ViewerFlags,
} from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogCacheKeys } from '../cache/blog-cache-keys.js';
import { ResponseCache, type Cached } from '../cache/response-cache.js';

interface WithAuthor {
  readonly author: ProfileView;
}

/**
 * The blog's public reads, cached. The cache only ever holds the anonymous answer; a signed-in
 * reader's own `favorited` and `following` flags are fetched for that reader and laid over it, so
 * no reader can see another's flags however the cache is shared.
 */
@Injectable()
export class BlogReads {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly cache: ResponseCache,
  ) {}

  async articles(filter: ArticleFilter, viewerId: string | null): Promise<Cached<ArticleList>> {
    const cached = await this.cache.getOrLoad(BlogCacheKeys.articles(filter), 'list', () =>
      this.blog.send(BlogRpc.listArticles, { ...filter, viewerId: null }),
    );
    const flags = await this.flagsFor(viewerId, cached.value.articles);
    return {
      ...cached,
      value: {
        ...cached.value,
        articles: cached.value.articles.map((article) => withArticleFlags(article, flags)),
      },
    };
  }

  async article(slug: string, viewerId: string | null): Promise<Cached<ArticleView>> {
    const cached = await this.cache.getOrLoad(BlogCacheKeys.article(slug), 'entry', () =>
      this.blog.send(BlogRpc.getArticle, { slug, viewerId: null }),
    );
    const flags = await this.flagsFor(viewerId, [cached.value]);
    return { ...cached, value: withArticleFlags(cached.value, flags) };
  }

  async comments(slug: string, viewerId: string | null): Promise<Cached<CommentView[]>> {
    const cached = await this.cache.getOrLoad(BlogCacheKeys.comments(slug), 'entry', () =>
      this.blog.send(BlogRpc.listComments, { slug, viewerId: null }),
    );
    const flags = await this.flagsFor(viewerId, cached.value);
    return { ...cached, value: cached.value.map((comment) => withAuthorFlag(comment, flags)) };
  }

  async profile(username: string, viewerId: string | null): Promise<Cached<ProfileView>> {
    const cached = await this.cache.getOrLoad(BlogCacheKeys.profile(username), 'entry', () =>
      this.blog.send(BlogRpc.getProfile, { username, viewerId: null }),
    );
    const flags = await this.flagsFor(viewerId, [{ author: cached.value }]);
    return {
      ...cached,
      value: { ...cached.value, following: flags.following.includes(cached.value.username) },
    };
  }

  tags(): Promise<Cached<string[]>> {
    return this.cache.getOrLoad(BlogCacheKeys.tags(), 'entry', () =>
      this.blog.send(BlogRpc.listTags, {}),
    );
  }

  private async flagsFor(
    viewerId: string | null,
    items: readonly (WithAuthor & { slug?: string })[],
  ): Promise<ViewerFlags> {
    if (!viewerId || items.length === 0) return { favorited: [], following: [] };
    const slugs = items.flatMap((item) => (item.slug ? [item.slug] : []));
    const usernames = [...new Set(items.map((item) => item.author.username))];
    return this.blog.send(BlogRpc.viewerFlags, { viewerId, slugs, usernames });
  }
}

function withAuthorFlag<T extends WithAuthor>(item: T, flags: ViewerFlags): T {
  return {
    ...item,
    author: { ...item.author, following: flags.following.includes(item.author.username) },
  };
}

function withArticleFlags<T extends WithAuthor & { slug: string; favorited: boolean }>(
  article: T,
  flags: ViewerFlags,
): T {
  return { ...withAuthorFlag(article, flags), favorited: flags.favorited.includes(article.slug) };
}
