import { BlogRpc, type RpcHandlers, type RpcPayload } from '@capstone/contracts';
import { Rpc, RpcController } from '@capstone/messaging';
import { ArticleReader } from '../articles/article-reader.js';
import { ArticlesService } from '../articles/articles.service.js';
import { FavoritesService } from '../articles/favorites.service.js';
import { TagsService } from '../articles/tags.service.js';
import { AuthorProjection } from '../authors/author-projection.js';
import { ViewerFlagsService } from '../articles/viewer-flags.service.js';
import { CommentsService } from '../comments/comments.service.js';
import { ProfilesService } from '../profiles/profiles.service.js';

/**
 * The blog service's broker interface: one handler per request in `BlogRpc` (a missing one does
 * not compile), nothing else. Each payload arrives checked and normalised by its contract
 * (`@Rpc`), whoever put it on the queue; replies are typed from the contract too.
 */
@RpcController()
export class BlogRpcController implements RpcHandlers<typeof BlogRpc> {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly reader: ArticleReader,
    private readonly articles: ArticlesService,
    private readonly favorites: FavoritesService,
    private readonly comments: CommentsService,
    private readonly tags: TagsService,
    private readonly flags: ViewerFlagsService,
    private readonly authors: AuthorProjection,
  ) {}

  @Rpc(BlogRpc.getProfile)
  getProfile(request: RpcPayload<typeof BlogRpc.getProfile>) {
    return this.profiles.get(request);
  }

  @Rpc(BlogRpc.follow)
  follow(command: RpcPayload<typeof BlogRpc.follow>) {
    return this.profiles.follow(command);
  }

  @Rpc(BlogRpc.unfollow)
  unfollow(command: RpcPayload<typeof BlogRpc.unfollow>) {
    return this.profiles.unfollow(command);
  }

  @Rpc(BlogRpc.listArticles)
  listArticles(request: RpcPayload<typeof BlogRpc.listArticles>) {
    return this.reader.list(request);
  }

  @Rpc(BlogRpc.feed)
  feed(request: RpcPayload<typeof BlogRpc.feed>) {
    return this.reader.feed(request);
  }

  @Rpc(BlogRpc.getArticle)
  getArticle(request: RpcPayload<typeof BlogRpc.getArticle>) {
    return this.reader.get(request.slug, request.viewerId);
  }

  @Rpc(BlogRpc.createArticle)
  createArticle(command: RpcPayload<typeof BlogRpc.createArticle>) {
    return this.articles.create(command);
  }

  @Rpc(BlogRpc.updateArticle)
  updateArticle(command: RpcPayload<typeof BlogRpc.updateArticle>) {
    return this.articles.update(command);
  }

  @Rpc(BlogRpc.deleteArticle)
  deleteArticle(command: RpcPayload<typeof BlogRpc.deleteArticle>) {
    return this.articles.delete(command);
  }

  @Rpc(BlogRpc.favorite)
  favorite(command: RpcPayload<typeof BlogRpc.favorite>) {
    return this.favorites.favorite(command);
  }

  @Rpc(BlogRpc.unfavorite)
  unfavorite(command: RpcPayload<typeof BlogRpc.unfavorite>) {
    return this.favorites.unfavorite(command);
  }

  @Rpc(BlogRpc.listComments)
  listComments(request: RpcPayload<typeof BlogRpc.listComments>) {
    return this.comments.list(request);
  }

  @Rpc(BlogRpc.addComment)
  addComment(command: RpcPayload<typeof BlogRpc.addComment>) {
    return this.comments.add(command);
  }

  @Rpc(BlogRpc.deleteComment)
  deleteComment(command: RpcPayload<typeof BlogRpc.deleteComment>) {
    return this.comments.delete(command);
  }

  @Rpc(BlogRpc.listTags)
  listTags() {
    return this.tags.list();
  }

  @Rpc(BlogRpc.viewerFlags)
  viewerFlags(request: RpcPayload<typeof BlogRpc.viewerFlags>) {
    return this.flags.forViewer(request);
  }

  /** The gateway's copy of a profile change; the user event with the same version then does nothing. */
  @Rpc(BlogRpc.applyAuthor)
  async applyAuthor(profile: RpcPayload<typeof BlogRpc.applyAuthor>) {
    return { applied: await this.authors.apply(profile) };
  }
}
