import { describe, expect, it } from 'vitest';
import { newSlug, SLUG_WORDS_MAX_LENGTH, slugWords } from './slug.js';

describe('slugWords', () => {
  it('joins the lower-case words of the title with dashes', () => {
    expect(slugWords('How to Train Your Dragon')).toBe('how-to-train-your-dragon');
    expect(slugWords('  Hello,   World!!  ')).toBe('hello-world');
    expect(slugWords("Don't panic: it's 2024")).toBe('dont-panic-its-2024');
  });

  it('takes accents off Latin letters and spells out the ones without a base letter', () => {
    expect(slugWords('Crème Brûlée à la Française')).toBe('creme-brulee-a-la-francaise');
    expect(slugWords('Straße, Æsir, Øresund, Łódź')).toBe('strasse-aesir-oresund-lodz');
  });

  it('keeps letters of other scripts whole', () => {
    expect(slugWords('Привет, мир: йогурт')).toBe('привет-мир-йогурт');
    expect(slugWords('日本語のタイトル')).toBe('日本語のタイトル');
    expect(slugWords('नमस्ते दुनिया')).toBe('नमस्ते-दुनिया');
  });

  it('drops whatever is not a letter or a digit, including markup and SQL', () => {
    expect(slugWords("'; DROP TABLE articles; --")).toBe('drop-table-articles');
    expect(slugWords('<script>alert(1)</script>')).toBe('script-alert-1-script');
    expect(slugWords('../../etc/passwd')).toBe('etc-passwd');
  });

  it('stops after whole words within the length bound', () => {
    const slug = slugWords('word '.repeat(100));
    expect([...slug].length).toBeLessThanOrEqual(SLUG_WORDS_MAX_LENGTH);
    expect(slug.endsWith('word')).toBe(true);
    expect(slugWords('x'.repeat(500))).toBe('x'.repeat(SLUG_WORDS_MAX_LENGTH));
  });

  it('falls back to "article" when nothing readable is left', () => {
    expect(slugWords('🎉 !!! 🎉')).toBe('article');
  });
});

describe('newSlug', () => {
  it('adds six random characters, so equal titles get different slugs', () => {
    const slugs = new Set(Array.from({ length: 50 }, () => newSlug('Same title')));
    expect(slugs.size).toBe(50);
    for (const slug of slugs) expect(slug).toMatch(/^same-title-[a-z0-9]{6}$/);
  });
});
