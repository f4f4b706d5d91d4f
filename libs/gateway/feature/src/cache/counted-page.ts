import type { Beside } from './response-cache.js';

/** What the blog answers for a page of a list: its items, and the count of all if asked for. */
export interface PageReply<T> {
  readonly items: T[];
  readonly count?: number | undefined;
}

/**
 * Loads a missed page of a list whose count is cached on its own, beside the pages and in their
 * scope (`ResponseCache.getOrLoad`'s `besideKey`, read in the page's round trip), so that a change
 * makes both stale at once. Only the first page missed after a change asks the blog for the count;
 * the misses of every other page ask for their items alone, which saves the count query (a scan of
 * every match) on most misses. Concurrent first misses share one count.
 */
export async function loadCountedPage<T>(
  count: Beside<number>,
  load: (withCount: boolean) => Promise<PageReply<T>>,
): Promise<{ items: T[]; count: number }> {
  if (count.value !== undefined) return { items: (await load(false)).items, count: count.value };
  let items: T[] | undefined;
  const total = await count.fill(async () => {
    const reply = await load(true);
    if (reply.count === undefined) throw new Error('the blog left out the count it was asked for');
    items = reply.items;
    return reply.count;
  });
  return { items: items ?? (await load(false)).items, count: total };
}
