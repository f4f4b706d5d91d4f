import { Injectable } from '@nestjs/common';
import type { BlogRpc, RpcPayload, ViewerFlags } from '@capstone/contracts';
import { DataSource } from 'typeorm';

/**
 * The per-reader part of a page: which of these articles the viewer favorited and which of these
 * authors they follow. The gateway caches pages as an anonymous reader sees them and adds these
 * flags per request, so one cached page serves every reader.
 */
@Injectable()
export class ViewerFlagsService {
  constructor(private readonly dataSource: DataSource) {}

  async forViewer(request: RpcPayload<typeof BlogRpc.viewerFlags>): Promise<ViewerFlags> {
    const slugs = [...new Set(request.slugs)];
    const usernames = [...new Set(request.usernames.map((name) => name.toLowerCase()))];
    const [favorited, following] = await Promise.all([
      slugs.length === 0
        ? []
        : this.dataSource.query<{ slug: string }[]>(
            `SELECT a.slug FROM favorites f JOIN articles a ON a.id = f.article_id
             WHERE f.user_id = $1::uuid AND a.slug = ANY ($2::text[])`,
            [request.viewerId, slugs],
          ),
      usernames.length === 0
        ? []
        : this.dataSource.query<{ username: string }[]>(
            `SELECT au.username FROM follows fo JOIN authors au ON au.user_id = fo.followed_id
             WHERE fo.follower_id = $1::uuid AND lower(au.username) = ANY ($2::text[])`,
            [request.viewerId, usernames],
          ),
    ]);
    return {
      favorited: favorited.map((row) => row.slug),
      following: following.map((row) => row.username),
    };
  }
}
