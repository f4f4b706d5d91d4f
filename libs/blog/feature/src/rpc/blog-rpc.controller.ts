import { BlogRpc, type RpcPayload, type RpcReply } from '@capstone/contracts';
import { Rpc, RpcController } from '@capstone/messaging';
import { ArticleReader } from '../articles/article-reader.js';
import { ArticlesService } from '../articles/articles.service.js';
import { FavoritesService } from '../articles/favorites.service.js';
import { TagsService } from '../articles/tags.service.js';
import { ViewerFlagsService } from '../articles/viewer-flags.service.js';
import { CommentsService } from '../comments/comments.service.js';
import { ProfilesService } from '../profiles/profiles.service.js';

type Payload<K extends keyof typeof BlogRpc> = RpcPayload<(typeof BlogRpc)[K]>;
type Reply<K extends keyof typeof BlogRpc> = Promise<RpcReply<(typeof BlogRpc)[K]>>;

/**
 * The blog service's broker interface: one handler per request in `BlogRpc`, nothing else. Each
 * payload arrives checked and normalised by its contract (`@Rpc`), whoever put it on the queue.
 */
@RpcController()
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

  @Rpc(BlogRpc.getProfile)
  getProfile(request: Payload<'getProfile'>): Reply<'getProfile'> {
    return this.profiles.get(request);
  }

  @Rpc(BlogRpc.follow)
  follow(command: Payload<'follow'>): Reply<'follow'> {
    return this.profiles.follow(command);
  }

  @Rpc(BlogRpc.unfollow)
  unfollow(command: Payload<'unfollow'>): Reply<'unfollow'> {
    return this.profiles.unfollow(command);
  }

  @Rpc(BlogRpc.listArticles)
  listArticles(request: Payload<'listArticles'>): Reply<'listArticles'> {
    return this.reader.list(request);
  }

  @Rpc(BlogRpc.feed)
  feed(request: Payload<'feed'>): Reply<'feed'> {
    return this.reader.feed(request);
  }

  @Rpc(BlogRpc.getArticle)
  getArticle(request: Payload<'getArticle'>): Reply<'getArticle'> {
    return this.reader.get(request.slug, request.viewerId);
  }

  @Rpc(BlogRpc.createArticle)
  createArticle(command: Payload<'createArticle'>): Reply<'createArticle'> {
    return this.articles.create(command);
  }

  @Rpc(BlogRpc.updateArticle)
  updateArticle(command: Payload<'updateArticle'>): Reply<'updateArticle'> {
    return this.articles.update(command);
  }

  @Rpc(BlogRpc.deleteArticle)
  deleteArticle(command: Payload<'deleteArticle'>): Reply<'deleteArticle'> {
    return this.articles.delete(command);
  }

  @Rpc(BlogRpc.favorite)
  favorite(command: Payload<'favorite'>): Reply<'favorite'> {
    return this.favorites.favorite(command);
  }

  @Rpc(BlogRpc.unfavorite)
  unfavorite(command: Payload<'unfavorite'>): Reply<'unfavorite'> {
    return this.favorites.unfavorite(command);
  }

  @Rpc(BlogRpc.listComments)
  listComments(request: Payload<'listComments'>): Reply<'listComments'> {
    return this.comments.list(request);
  }

  @Rpc(BlogRpc.addComment)
  addComment(command: Payload<'addComment'>): Reply<'addComment'> {
    return this.comments.add(command);
  }

  @Rpc(BlogRpc.deleteComment)
  deleteComment(command: Payload<'deleteComment'>): Reply<'deleteComment'> {
    return this.comments.delete(command);
  }

  @Rpc(BlogRpc.listTags)
  listTags(): Reply<'listTags'> {
    return this.tags.list();
  }

  @Rpc(BlogRpc.viewerFlags)
  viewerFlags(request: Payload<'viewerFlags'>): Reply<'viewerFlags'> {
    return this.flags.forViewer(request);
  }
}
