import { isUniqueViolation } from '@capstone/persistence';

const ATTEMPTS = 3;

/**
 * Runs `work` again when the random slug it picked was taken after all (the unique index said
 * so and the transaction rolled back); each attempt picks a new suffix.
 */
export async function retryOnSlugCollision<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isUniqueViolation(error, 'articles_slug_unique')) throw error;
    }
  }
}
