/** A random number in [0, 1): Math.random, or a fixed sequence in tests. */
export type Random = () => number;

interface ArticleList {
  readonly articles?: readonly { slug?: unknown; author?: { username?: unknown } }[];
  readonly articlesCount?: unknown;
}

/** Slugs kept to pick from: enough variety to miss the cache now and then, bounded memory. */
const SLUGS_KEPT = 500;

/**
 * What the virtual users have seen of the blog: slugs and authors from the lists they browsed and
 * the articles they wrote, and how many articles the global list has (for its page links). Every
 * read of an article or a profile picks from here, as a reader clicks what a list showed them.
 */
export class Catalog {
  private readonly slugs: string[] = [];
  private readonly authors = new Set<string>();
  private articlesCount = 0;
  private readonly random: Random;

  constructor(random: Random = Math.random) {
    this.random = random;
  }

  /** Learns from an article list's answer (the global list or a feed). */
  learn(body: unknown, { global }: { global: boolean }): void {
    const list = body as ArticleList | undefined;
    for (const article of list?.articles ?? []) {
      if (typeof article.slug === 'string') this.addSlug(article.slug);
      if (typeof article.author?.username === 'string') this.authors.add(article.author.username);
    }
    if (global && typeof list?.articlesCount === 'number') this.articlesCount = list.articlesCount;
  }

  addSlug(slug: string): void {
    if (this.slugs.includes(slug)) return;
    this.slugs.push(slug);
    if (this.slugs.length > SLUGS_KEPT) this.slugs.shift();
  }

  addAuthor(username: string): void {
    this.authors.add(username);
  }

  get size(): number {
    return this.slugs.length;
  }

  randomSlug(): string | undefined {
    return this.pick(this.slugs);
  }

  /** Anyone seen but `self`: one cannot follow oneself. */
  randomAuthor(self: string): string | undefined {
    return this.pick([...this.authors].filter((username) => username !== self));
  }

  /**
   * The offset of a page to read: mostly the first, sometimes a later one, rarely a deep one, as
   * readers do (each page deeper is half as likely as the one before).
   */
  randomOffset(pageSize: number): number {
    const pages = Math.max(1, Math.ceil(this.articlesCount / pageSize));
    let page = 0;
    while (page < pages - 1 && this.random() < 0.5) page += 1;
    return page * pageSize;
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }
}
