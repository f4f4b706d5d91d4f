import { Inject, Injectable } from '@nestjs/common';
import {
  BlogRpc,
  type ArticleFilter,
  type ArticleList,
  type ArticleView,
  type ProfileView,
  type ViewerFlags,
} from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogCacheKeys, type Page } from '../cache/blog-cache-keys.js';
import { loadCountedPage } from '../cache/counted-page.js';
import { ResponseCache, type Beside, type Cached } from '../cache/response-cache.js';
import type { CommentsPage } from './blog.schemas.js';

interface WithAuthor {
  readonly author: ProfileView;
}

/**
 * The blog's public reads, cached. The cache only ever holds the anonymous answer, served as it is
 * to anonymous readers; a signed-in reader's own `favorited` and `following` flags are fetched for
 * that reader and laid over it, so no reader can see another's flags however the cache is shared.
 * A list's count is cached beside its pages and read in the same round trip (`loadCountedPage`), so
 * paging through a list counts it once.
 */
@Injectable()
export class BlogReads {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly cache: ResponseCache,
  ) {}

  async articles(filter: ArticleFilter, viewerId: string | null): Promise<Cached<ArticleList>> {
    const cached = await this.cache.getOrLoad(
      BlogCacheKeys.articles(filter),
      'list',
      (count: Beside<number>) => this.loadArticles(filter, count),
      BlogCacheKeys.articlesCount(filter),
    );
    if (!viewerId) return cached;
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

  async comments(slug: string, page: Page, viewerId: string | null): Promise<Cached<CommentsPage>> {
    const cached = await this.cache.getOrLoad(
      BlogCacheKeys.commentPage(slug, page),
      BlogCacheKeys.commentThread(slug),
      (count: Beside<number>) => this.loadComments(slug, page, count),
      BlogCacheKeys.commentsCount(slug),
    );
    if (!viewerId) return cached;
    const flags = await this.flagsFor(viewerId, cached.value.comments);
    return {
      ...cached,
      value: {
        ...cached.value,
        comments: cached.value.comments.map((comment) => withAuthorFlag(comment, flags)),
      },
    };
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

  private async loadArticles(filter: ArticleFilter, count: Beside<number>): Promise<ArticleList> {
    const { items, count: articlesCount } = await loadCountedPage(count, async (withCount) => {
      const reply = await this.blog.send(BlogRpc.listArticles, {
        ...filter,
        viewerId: null,
        withCount,
      });
      return { items: reply.articles, count: reply.articlesCount };
    });
    return { articles: items, articlesCount };
  }

  private async loadComments(
    slug: string,
    page: Page,
    count: Beside<number>,
  ): Promise<CommentsPage> {
    const { items, count: commentsCount } = await loadCountedPage(count, async (withCount) => {
      const reply = await this.blog.send(BlogRpc.listComments, {
        slug,
        viewerId: null,
        ...page,
        withCount,
      });
      return { items: reply.comments, count: reply.commentsCount };
    });
    return { comments: items, commentsCount };
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
