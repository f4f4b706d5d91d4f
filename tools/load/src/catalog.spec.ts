import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.ts';

/** A fixed sequence of "random" numbers, repeated. */
const sequence = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length];
};

const list = (count: number, ...slugs: string[]) => ({
  articles: slugs.map((slug) => ({ slug, author: { username: `author-of-${slug}` } })),
  articlesCount: count,
});

describe('what the virtual users have seen of the blog', () => {
  it('is empty on an empty blog, so that reads fall back to the list', () => {
    const catalog = new Catalog();
    expect(catalog.randomSlug()).toBeUndefined();
    expect(catalog.randomAuthor('me')).toBeUndefined();
    expect(catalog.randomOffset(10)).toBe(0);
  });

  it('learns slugs and authors from lists, once each', () => {
    const catalog = new Catalog(sequence(0.99));
    catalog.learn(list(2, 'a', 'b'), { global: true });
    catalog.learn(list(2, 'b'), { global: false });
    catalog.addSlug('c');
    expect(catalog.size).toBe(3);
    expect(catalog.randomSlug()).toBe('c');
    expect(catalog.randomAuthor('author-of-b')).toBe('author-of-a');
    expect(catalog.randomAuthor('')).toBe('author-of-b');
  });

  it('ignores answers that are not article lists', () => {
    const catalog = new Catalog();
    catalog.learn(undefined, { global: true });
    catalog.learn({ errors: { body: ['is wrong'] } }, { global: true });
    expect(catalog.size).toBe(0);
  });

  it('reads the first page most often and each deeper page half as often, within the list', () => {
    const catalog = new Catalog(sequence(0.4, 0.4, 0.9));
    catalog.learn(list(95), { global: true });
    expect(catalog.randomOffset(10)).toBe(20);
    const shallow = new Catalog(sequence(0.1));
    shallow.learn(list(25), { global: true });
    expect(shallow.randomOffset(10)).toBe(20);
  });
});
