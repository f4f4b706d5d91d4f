import { adoptToken, freshToken, signInWith, type VirtualUser } from './accounts.ts';
import type { Catalog } from './catalog.ts';
import type { ChatRoom } from './chat.ts';
import type { GatewayHttp } from './http.ts';
import { SCENARIOS, type ScenarioKey } from './mix.ts';

const PAGE_SIZE = 10;
const BODY = [
  'This article was written by `npm run load`, the load generator of this repository.',
  'It is long enough to be stored, cached and sent like a real one: a few paragraphs of text.',
  'Watch the dashboard while it runs: request rates, latencies, cache hits and the queues.',
].join('\n\n');

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/**
 * Each scenario is one request (or one chat send) by one virtual user. Users take turns per
 * scenario, so writes are spread over every account and meet the per-account limit last; reads go
 * out alternately signed in and anonymous, so the gateway's cache and its signed-in path both work.
 */
export class Scenarios {
  private readonly http: GatewayHttp;
  private readonly catalog: Catalog;
  private readonly users: readonly VirtualUser[];
  private readonly chat: ChatRoom | undefined;
  private readonly runId: string;
  private readonly turns = new Map<ScenarioKey, number>();
  /** Per user: what they favorited and whom they follow, so the next time undoes it. */
  private readonly favorited = new Map<VirtualUser, Set<string>>();
  private readonly following = new Map<VirtualUser, Set<string>>();
  private readonly feedSizes = new Map<VirtualUser, number>();
  private written = 0;

  constructor(options: {
    http: GatewayHttp;
    catalog: Catalog;
    users: readonly VirtualUser[];
    chat?: ChatRoom;
    runId: string;
  }) {
    this.http = options.http;
    this.catalog = options.catalog;
    this.users = options.users;
    this.chat = options.chat;
    this.runId = options.runId;
  }

  /** Runs one scenario; everything it meets is recorded, nothing is thrown. */
  async run(key: ScenarioKey): Promise<void> {
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    const user = this.users[turn % this.users.length] as VirtualUser;
    const readToken = () => (turn % 2 === 0 ? undefined : freshToken(this.http, user));
    switch (key) {
      case 'list':
        return this.list(await readToken());
      case 'feed':
        return this.feed(user, turn);
      case 'article':
      case 'comments': {
        const slug = this.catalog.randomSlug();
        if (!slug) return this.list(await readToken());
        const url = `/api/articles/${path(slug)}${key === 'comments' ? '/comments' : ''}`;
        await this.http.request(SCENARIOS[key].label, 'GET', url, { token: await readToken() });
        return;
      }
      case 'profile': {
        const username = this.catalog.randomAuthor('') ?? user.username;
        await this.http.request(SCENARIOS.profile.label, 'GET', `/api/profiles/${path(username)}`, {
          token: await readToken(),
        });
        return;
      }
      case 'signin':
        return adoptToken(user, await signInWith(this.http, user));
      case 'write':
        return this.write(user);
      case 'comment':
        return this.comment(user);
      case 'favorite':
        return this.favorite(user);
      case 'follow':
        return this.follow(user, turn);
      case 'chat':
        return this.chat ? this.chat.send(user) : this.list(await readToken());
    }
  }

  private async list(token: string | undefined): Promise<void> {
    const offset = this.catalog.randomOffset(PAGE_SIZE);
    const reply = await this.http.request(
      SCENARIOS.list.label,
      'GET',
      `/api/articles?limit=${PAGE_SIZE}&offset=${offset}`,
      { token },
    );
    this.catalog.learn(reply.body, { global: true });
  }

  /** The first page, and every fourth time the second if there is one. */
  private async feed(user: VirtualUser, turn: number): Promise<void> {
    const offset = (this.feedSizes.get(user) ?? 0) > PAGE_SIZE && turn % 4 === 3 ? PAGE_SIZE : 0;
    const reply = await this.http.request(
      SCENARIOS.feed.label,
      'GET',
      `/api/articles/feed?limit=${PAGE_SIZE}&offset=${offset}`,
      { token: await freshToken(this.http, user) },
    );
    this.catalog.learn(reply.body, { global: false });
    const count = (reply.body as { articlesCount?: unknown } | undefined)?.articlesCount;
    if (typeof count === 'number') this.feedSizes.set(user, count);
  }

  private async write(user: VirtualUser): Promise<void> {
    this.written += 1;
    const article = {
      title: `Load ${this.runId} #${this.written}`,
      description: `Written by ${user.username} under npm run load`,
      body: BODY,
      tagList: ['load'],
    };
    const reply = await this.http.request(SCENARIOS.write.label, 'POST', '/api/articles', {
      token: await freshToken(this.http, user),
      body: { article },
    });
    const slug = (reply.body as { article?: { slug?: unknown } } | undefined)?.article?.slug;
    if (typeof slug === 'string') this.catalog.addSlug(slug);
  }

  private async comment(user: VirtualUser): Promise<void> {
    const slug = this.catalog.randomSlug();
    if (!slug) return this.write(user);
    await this.http.request(
      SCENARIOS.comment.label,
      'POST',
      `/api/articles/${path(slug)}/comments`,
      {
        token: await freshToken(this.http, user),
        body: { comment: { body: `A comment from ${user.username}, run ${this.runId}.` } },
      },
    );
  }

  private async favorite(user: VirtualUser): Promise<void> {
    const slug = this.catalog.randomSlug();
    if (!slug) return this.write(user);
    await this.toggle(
      user,
      this.favorited,
      slug,
      SCENARIOS.favorite.label,
      `/api/articles/${path(slug)}/favorite`,
    );
  }

  /** An author seen in a list, or another virtual user on a stack with no articles yet. */
  private async follow(user: VirtualUser, turn: number): Promise<void> {
    const others = this.users.filter((other) => other !== user).map((other) => other.username);
    const username = this.catalog.randomAuthor(user.username) ?? others[turn % others.length];
    if (!username) return this.write(user);
    await this.toggle(
      user,
      this.following,
      username,
      SCENARIOS.follow.label,
      `/api/profiles/${path(username)}/follow`,
    );
  }

  /** POST the first time, DELETE the next: both are writes, and nothing grows without bound. */
  private async toggle(
    user: VirtualUser,
    state: Map<VirtualUser, Set<string>>,
    target: string,
    label: string,
    url: string,
  ): Promise<void> {
    const done = state.get(user) ?? new Set<string>();
    state.set(user, done);
    const undo = done.has(target);
    const reply = await this.http.request(label, undo ? 'DELETE' : 'POST', url, {
      token: await freshToken(this.http, user),
    });
    if (reply.outcome !== '200') return;
    if (undo) done.delete(target);
    else done.add(target);
  }
}
