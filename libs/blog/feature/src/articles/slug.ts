import { randomInt } from 'node:crypto';

/** Longest readable part of a slug, in characters; the random suffix comes on top. */
export const SLUG_WORDS_MAX_LENGTH = 60;
const SUFFIX_LENGTH = 6;
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Latin letters that Unicode does not decompose into a base letter and an accent. */
const LATIN_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/**
 * The readable part of a slug: the title's words in lower case joined by `-`. Accents are taken
 * off Latin letters (Crème brûlée → creme-brulee); other scripts are kept as they are (Привет мир →
 * привет-мир), since browsers show them in URLs. Whole words up to 60 characters; `article` when
 * the title has no letters or digits at all.
 */
export function slugWords(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .toLowerCase()
    .replace(/[ßæœøđðłþı]/g, (letter) => LATIN_LETTERS[letter] ?? letter)
    .normalize('NFC')
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const longer = slug ? `${slug}-${word}` : word;
    if ([...longer].length > SLUG_WORDS_MAX_LENGTH) {
      slug ||= [...word].slice(0, SLUG_WORDS_MAX_LENGTH).join('');
      break;
    }
    slug = longer;
  }
  return slug || 'article';
}

function randomSuffix(): string {
  return Array.from({ length: SUFFIX_LENGTH }, () => SUFFIX_ALPHABET[randomInt(36)]).join('');
}

/**
 * A new slug for a title: its words plus six random characters (36^6 ≈ 2 billion), so two
 * articles with the same title get different slugs; the unique index catches the rare collision.
 */
export function newSlug(title: string, suffix: string = randomSuffix()): string {
  return `${slugWords(title)}-${suffix}`;
}
