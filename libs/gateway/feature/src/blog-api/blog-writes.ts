import { Inject, Injectable } from '@nestjs/common';
import {
  BlogRpc,
  type Actor,
  type ArticleChanges,
  type ArticleView,
  type CommentView,
  type NewArticle,
  type RpcDefinition,
  type RpcReply,
  type RpcRequest,
} from '@capstone/contracts';
import { BrokerClient } from '@capstone/messaging';
import { BLOG_SERVICE } from '../broker/broker.module.js';
import { BlogCacheInvalidation } from '../cache/blog-cache-invalidation.js';

/**
 * The blog's writes through this gateway: each sent to the blog, then what it made stale evicted
 * from the read cache, so that the writer's next read is fresh (the blog's events do the same for
 * every other gateway, a moment later).
 */
@Injectable()
export class BlogWrites {
  constructor(
    @Inject(BLOG_SERVICE) private readonly blog: BrokerClient,
    private readonly invalidation: BlogCacheInvalidation,
  ) {}

  createArticle(actor: Actor, article: NewArticle): Promise<ArticleView> {
    return this.write(BlogRpc.createArticle, { ...actor, article }, (created) =>
      this.invalidation.articleChanged(created.slug),
    );
  }

  /** A new title gives a new slug: the entries under the old one are stale too. */
  updateArticle(actor: Actor, slug: string, changes: ArticleChanges): Promise<ArticleView> {
    return this.write(BlogRpc.updateArticle, { ...actor, slug, changes }, (updated) =>
      this.invalidation.articleChanged(updated.slug, slug),
    );
  }

  async deleteArticle(actor: Actor, slug: string): Promise<void> {
    await this.write(BlogRpc.deleteArticle, { ...actor, slug }, () =>
      this.invalidation.articleDeleted(slug),
    );
  }

  setFavorite(actor: Actor, slug: string, favorite: boolean): Promise<ArticleView> {
    const rpc = favorite ? BlogRpc.favorite : BlogRpc.unfavorite;
    return this.write(rpc, { ...actor, slug }, () => this.invalidation.favoritesChanged(slug));
  }

  addComment(actor: Actor, slug: string, body: string): Promise<CommentView> {
    return this.write(BlogRpc.addComment, { ...actor, slug, body }, () =>
      this.invalidation.commentsChanged(slug),
    );
  }

  async deleteComment(actor: Actor, slug: string, commentId: number): Promise<void> {
    await this.write(BlogRpc.deleteComment, { ...actor, slug, commentId }, () =>
      this.invalidation.commentsChanged(slug),
    );
  }

  private async write<T extends RpcDefinition>(
    rpc: T,
    request: RpcRequest<T>,
    makesStale: (reply: RpcReply<T>) => Promise<void>,
  ): Promise<RpcReply<T>> {
    const reply = await this.blog.send(rpc, request);
    await makesStale(reply);
    return reply;
  }
}
