import { BlogRules, type ArticleChanges, type NewArticle } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';
import { characterCount, checkAll, requiredText, tooLong } from '../validation/fields.js';

/**
 * The blog service's own check of article fields. The gateway validates requests with the same
 * `BlogRules` first; this keeps the service correct for any other caller on the broker.
 */
export interface CheckedArticle {
  readonly title: string;
  readonly description: string;
  readonly body: string;
  readonly tagList: string[];
}

const checkTitle = (value: unknown) =>
  requiredText('title', value, BlogRules.titleMaxLength, { trim: true });
const checkDescription = (value: unknown) =>
  requiredText('description', value, BlogRules.descriptionMaxLength, { trim: true });
const checkBody = (value: unknown) =>
  requiredText('body', value, BlogRules.bodyMaxLength, { trim: false });

/** Tags trimmed, blanks dropped, duplicates removed, sorted by code point: what gets stored. */
export function normaliseTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((tag) => typeof tag !== 'string')) {
    throw ServiceError.invalid('tagList', 'must be a list of text');
  }
  const tags = [...new Set((value as string[]).map((tag) => tag.trim()).filter(Boolean))].sort();
  if (tags.some((tag) => characterCount(tag) > BlogRules.tagMaxLength)) {
    throw ServiceError.invalid('tagList', `has a tag that ${tooLong(BlogRules.tagMaxLength)}`);
  }
  if (tags.length > BlogRules.tagsMax) {
    throw ServiceError.invalid('tagList', `has too many tags (maximum is ${BlogRules.tagsMax})`);
  }
  return tags;
}

export function checkNewArticle(article: NewArticle | undefined): CheckedArticle {
  const input: Partial<NewArticle> = article ?? {};
  return checkAll<CheckedArticle>({
    title: () => checkTitle(input.title),
    description: () => checkDescription(input.description),
    body: () => checkBody(input.body),
    tagList: () => normaliseTags(input.tagList),
  });
}

/** Checks and normalises the fields present in an update; absent fields stay undefined. */
export function checkArticleChanges(changes: ArticleChanges | undefined): ArticleChanges {
  const input: ArticleChanges = changes ?? {};
  return checkAll<ArticleChanges>({
    title: () => (input.title === undefined ? undefined : checkTitle(input.title)),
    description: () =>
      input.description === undefined ? undefined : checkDescription(input.description),
    body: () => (input.body === undefined ? undefined : checkBody(input.body)),
    tagList: () => (input.tagList === undefined ? undefined : normaliseTags(input.tagList)),
  });
}
