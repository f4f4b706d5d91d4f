import { metrics } from '@opentelemetry/api';
import type { EntryKind } from './response-cache.js';

/**
 * How each read of the response cache ended: `hit`; `miss` (loaded from the blog and stored);
 * `coalesced` (a miss that waited for a load already under way in this process); `bypass` (Redis
 * could not be asked, so the blog answered and nothing was stored).
 */
export type CacheResult = 'hit' | 'miss' | 'coalesced' | 'bypass';

const reads = metrics.getMeter('@capstone/gateway').createCounter('capstone.cache.requests', {
  unit: '{request}',
  description: 'Reads of the response cache, by result (hit, miss, coalesced, bypass) and kind',
});

export function countCacheRead(result: CacheResult, kind: EntryKind): void {
  reads.add(1, { 'cache.result': result, 'cache.kind': kind });
}
