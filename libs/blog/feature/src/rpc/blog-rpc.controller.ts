import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import {
  BlogRpc,
  type Actor,
  type ArticleChanges,
  type ArticleFilter,
  type ArticleList,
  type ArticleView,
  type CommentView,
  type NewArticle,
  type ProfileView,
  type Viewer,
  type ViewerFlags,
} from '@capstone/contracts';
import {
  BrokerCorrelationInterceptor,
  RpcAccessLogInterceptor,
  RpcFailureFilter,
} from '@capstone/messaging';
import { ArticleReader } from '../articles/article-reader.js';
import { ArticlesService } from '../articles/articles.service.js';
import { FavoritesService } from '../articles/favorites.service.js';
import { TagsService } from '../articles/tags.service.js';
import { ViewerFlagsService } from '../articles/viewer-flags.service.js';
import { CommentsService } from '../comments/comments.service.js';
import { ProfilesService } from '../profiles/profiles.service.js';

/**
 * The blog service's broker interface: one handler per request in `BlogRpc`, nothing else.
 * `Transport.RMQ` keeps these handlers on the RPC server (see `eventConsumer` in @capstone/messaging).
 */
@Controller()
@UseFilters(RpcFailureFilter)
// Outermost first: the correlation id must be set before the access log line is written.
@UseInterceptors(BrokerCorrelationInterceptor, RpcAccessLogInterceptor)
export class BlogRpcController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly reader: ArticleReader,
    private readonly articles: ArticlesService,
    private readonly favorites: FavoritesService,
    private readonly comments: CommentsService,
    private readonly tags: TagsService,
    private readonly flags: ViewerFlagsService,
  ) {}

  @MessagePattern(BlogRpc.getProfile.pattern, Transport.RMQ)
  getProfile(@Payload() request: Viewer & { username: string }): Promise<ProfileView> {
    return this.profiles.get(request);
  }

  @MessagePattern(BlogRpc.follow.pattern, Transport.RMQ)
  follow(@Payload() command: Actor & { target: string }): Promise<ProfileView> {
    return this.profiles.follow(command);
  }

  @MessagePattern(BlogRpc.unfollow.pattern, Transport.RMQ)
  unfollow(@Payload() command: Actor & { target: string }): Promise<ProfileView> {
    return this.profiles.unfollow(command);
  }

  @MessagePattern(BlogRpc.listArticles.pattern, Transport.RMQ)
  listArticles(@Payload() request: Viewer & ArticleFilter): Promise<ArticleList> {
    return this.reader.list(request);
  }

  @MessagePattern(BlogRpc.feed.pattern, Transport.RMQ)
  feed(
    @Payload() request: { viewerId: string; limit: number; offset: number },
  ): Promise<ArticleList> {
    return this.reader.feed(request);
  }

  @MessagePattern(BlogRpc.getArticle.pattern, Transport.RMQ)
  getArticle(@Payload() request: Viewer & { slug: string }): Promise<ArticleView> {
    return this.reader.get(request.slug, request.viewerId);
  }

  @MessagePattern(BlogRpc.createArticle.pattern, Transport.RMQ)
  createArticle(@Payload() command: Actor & { article: NewArticle }): Promise<ArticleView> {
    return this.articles.create(command);
  }

  @MessagePattern(BlogRpc.updateArticle.pattern, Transport.RMQ)
  updateArticle(
    @Payload() command: Actor & { slug: string; changes: ArticleChanges },
  ): Promise<ArticleView> {
    return this.articles.update(command);
  }

  @MessagePattern(BlogRpc.deleteArticle.pattern, Transport.RMQ)
  deleteArticle(@Payload() command: Actor & { slug: string }): Promise<{ deleted: true }> {
    return this.articles.delete(command);
  }

  @MessagePattern(BlogRpc.favorite.pattern, Transport.RMQ)
  favorite(@Payload() command: Actor & { slug: string }): Promise<ArticleView> {
    return this.favorites.favorite(command);
  }

  @MessagePattern(BlogRpc.unfavorite.pattern, Transport.RMQ)
  unfavorite(@Payload() command: Actor & { slug: string }): Promise<ArticleView> {
    return this.favorites.unfavorite(command);
  }

  @MessagePattern(BlogRpc.listComments.pattern, Transport.RMQ)
  listComments(@Payload() request: Viewer & { slug: string }): Promise<CommentView[]> {
    return this.comments.list(request);
  }

  @MessagePattern(BlogRpc.addComment.pattern, Transport.RMQ)
  addComment(@Payload() command: Actor & { slug: string; body: string }): Promise<CommentView> {
    return this.comments.add(command);
  }

  @MessagePattern(BlogRpc.deleteComment.pattern, Transport.RMQ)
  deleteComment(
    @Payload() command: Actor & { slug: string; commentId: number },
  ): Promise<{ deleted: true }> {
    return this.comments.delete(command);
  }

  @MessagePattern(BlogRpc.listTags.pattern, Transport.RMQ)
  listTags(): Promise<string[]> {
    return this.tags.list();
  }

  @MessagePattern(BlogRpc.viewerFlags.pattern, Transport.RMQ)
  viewerFlags(
    @Payload() request: { viewerId: string; slugs: string[]; usernames: string[] },
  ): Promise<ViewerFlags> {
    return this.flags.forViewer(request);
  }
}
