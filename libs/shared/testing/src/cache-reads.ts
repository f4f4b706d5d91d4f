/** An HTTP answer as the tests read it. */
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/**
 * Reads a resource until the gateway has served it once from the service (X-Cache: MISS) and then
 * from its cache (HIT). Right after a write, the blog's event about it may invalidate the entry
 * again when it arrives, between the first two reads, and turn the second into another miss; the
 * cache must settle within a few reads.
 */
export async function missThenHit<T extends Answer>(
  read: () => Promise<T>,
  attempts = 5,
): Promise<{ miss: T; hit: T }> {
  let miss: T | undefined;
  const seen: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const answer = await read();
    const cache = answer.headers.get('x-cache') ?? 'none';
    seen.push(`${answer.status} ${cache}`);
    if (answer.status !== 200) break;
    if (cache === 'MISS') miss = answer;
    else if (cache === 'HIT' && miss) return { miss, hit: answer };
  }
  throw new Error(`no miss then hit in ${attempts} reads: ${seen.join(', ')}`);
}
