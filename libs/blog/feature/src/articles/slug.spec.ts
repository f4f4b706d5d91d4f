import { describe, expect, it } from 'vitest';
import { newSlug, SLUG_WORDS_MAX_LENGTH, slugWords } from './slug.js';

describe('slugWords', () => {
  it.each<[string, [title: string, slug: string][]]>([
    [
      'joins the lower-case words of the title with dashes',
      [
        ['How to Train Your Dragon', 'how-to-train-your-dragon'],
        ['  Hello,   World!!  ', 'hello-world'],
        ["Don't panic: it's 2024", 'dont-panic-its-2024'],
      ],
    ],
    [
      'takes accents off Latin letters and spells out the ones without a base letter',
      [
        ['Crème Brûlée à la Française', 'creme-brulee-a-la-francaise'],
        ['Straße, Æsir, Øresund, Łódź', 'strasse-aesir-oresund-lodz'],
      ],
    ],
    [
      'keeps letters of other scripts whole',
      [
        ['Привет, мир: йогурт', 'привет-мир-йогурт'],
        ['日本語のタイトル', '日本語のタイトル'],
        ['नमस्ते दुनिया', 'नमस्ते-दुनिया'],
      ],
    ],
    [
      'drops whatever is not a letter or a digit, including markup and SQL',
      [
        ["'; DROP TABLE articles; --", 'drop-table-articles'],
        ['<script>alert(1)</script>', 'script-alert-1-script'],
        ['../../etc/passwd', 'etc-passwd'],
      ],
    ],
    ['falls back to "article" when nothing readable is left', [['🎉 !!! 🎉', 'article']]],
  ])('%s', (_behaviour, examples) => {
    for (const [title, slug] of examples) expect(slugWords(title)).toBe(slug);
  });

  it('stops after whole words within the length bound', () => {
    const slug = slugWords('word '.repeat(100));
    expect([...slug].length).toBeLessThanOrEqual(SLUG_WORDS_MAX_LENGTH);
    expect(slug.endsWith('word')).toBe(true);
    expect(slugWords('x'.repeat(500))).toBe('x'.repeat(SLUG_WORDS_MAX_LENGTH));
  });
});

describe('newSlug', () => {
  it('adds six random characters, so equal titles get different slugs', () => {
    const slugs = new Set(Array.from({ length: 50 }, () => newSlug('Same title')));
    expect(slugs.size).toBe(50);
    for (const slug of slugs) expect(slug).toMatch(/^same-title-[a-z0-9]{6}$/);
  });
});
