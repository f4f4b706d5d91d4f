import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { retryOnSlugCollision } from './slug-collision.js';

describe('retryOnSlugCollision', () => {
  const collision = () =>
    new QueryFailedError('INSERT', [], {
      code: '23505',
      constraint: 'articles_slug_unique',
    } as unknown as Error);

  it('tries again when the slug was taken, with a limit', async () => {
    let attempts = 0;
    const result = await retryOnSlugCollision(async () => {
      attempts += 1;
      if (attempts < 3) throw collision();
      return 'saved';
    });
    expect(result).toBe('saved');

    attempts = 0;
    await expect(
      retryOnSlugCollision(async () => {
        attempts += 1;
        throw collision();
      }),
    ).rejects.toBeInstanceOf(QueryFailedError);
    expect(attempts).toBe(3);
  });

  it('does not retry other failures', async () => {
    let attempts = 0;
    await expect(
      retryOnSlugCollision(async () => {
        attempts += 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(attempts).toBe(1);
  });
});
