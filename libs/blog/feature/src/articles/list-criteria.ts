import { BlogRules, type ArticleFilter } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';
import { characterCount, tooLong } from '../validation/fields.js';

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

/** Which articles a list shows; every given criterion must hold. */
export interface ArticleCriteria {
  readonly tag?: string;
  /** Username of the author. */
  readonly author?: string;
  /** Username of someone who favorited the article. */
  readonly favorited?: string;
  /** Full-text search, ranked by relevance. */
  readonly q?: string;
  /** User id of a reader: only articles by authors they follow (the feed). */
  readonly followedBy?: string;
}

function wholeNumber(
  field: string,
  value: unknown,
  { fallback, min, max }: { fallback: number; min: number; max?: number },
): number {
  if (value === undefined || value === null) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < min ||
    (max !== undefined && value > max)
  ) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw ServiceError.invalid(field, `must be a whole number ${range}`);
  }
  return value;
}

export function checkPage(input: { readonly limit?: unknown; readonly offset?: unknown }): Page {
  return {
    limit: wholeNumber('limit', input.limit, {
      fallback: BlogRules.listLimitDefault,
      min: 1,
      max: BlogRules.listLimitMax,
    }),
    offset: wholeNumber('offset', input.offset, { fallback: 0, min: 0 }),
  };
}

/** A filter value trimmed; blank counts as not given. */
function optionalText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ServiceError.invalid(field, 'must be text');
  return value.trim() || undefined;
}

export function checkCriteria(filter: Omit<ArticleFilter, 'limit' | 'offset'>): ArticleCriteria {
  const q = optionalText('q', filter.q);
  if (q !== undefined && characterCount(q) > BlogRules.searchMaxLength) {
    throw ServiceError.invalid('q', tooLong(BlogRules.searchMaxLength));
  }
  return {
    tag: optionalText('tag', filter.tag),
    author: optionalText('author', filter.author),
    favorited: optionalText('favorited', filter.favorited),
    q,
  };
}
