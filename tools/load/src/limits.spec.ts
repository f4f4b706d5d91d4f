import { describe, expect, it } from 'vitest';
import { limitWarnings, rateLimitNotes } from './limits.ts';
import { DEFAULT_WEIGHTS, parseMix } from './mix.ts';
import { LatencyStats, summarize } from './stats.ts';

function row(label: string, outcomes: Record<string, number>) {
  const stats = new LatencyStats();
  for (const [outcome, count] of Object.entries(outcomes))
    for (let i = 0; i < count; i += 1) stats.record(10, outcome);
  return summarize(label, stats, 10);
}

describe('what the rate limits mean for a run', () => {
  it('warn of nothing at the defaults', () => {
    expect(limitWarnings({ rate: 20, users: 10 }, DEFAULT_WEIGHTS)).toEqual([]);
  });

  it('warn, before the run, of the writes one address or one account may not make', () => {
    const [perAddress] = limitWarnings({ rate: 50, users: 10 }, DEFAULT_WEIGHTS);
    expect(perAddress).toBe(
      'about 360 writes a minute from this address: the default limit is 300 (RATE_LIMIT_WRITES_PER_ADDRESS), expect 429s',
    );
    const [perAccount] = limitWarnings({ rate: 20, users: 2 }, DEFAULT_WEIGHTS);
    expect(perAccount).toContain('about 72 writes a minute per account');
    expect(perAccount).toContain('RATE_LIMIT_WRITES_PER_ACCOUNT); more --users spread them');
  });

  it('warn of chat sends past the per-user limit and of more sign-ups than an hour allows', () => {
    const warnings = limitWarnings({ rate: 20, users: 1 }, parseMix('chat=100,list=0'));
    expect(warnings.some((line) => line.includes('RATE_LIMIT_SENDS_PER_USER'))).toBe(true);
    const many = limitWarnings({ rate: 20, users: 25 }, DEFAULT_WEIGHTS);
    expect(many).toEqual([
      expect.stringContaining('25 accounts: new ones are signed up at most 20'),
    ]);
  });

  it('name the setting behind each kind of refusal, with how many each operation got', () => {
    const notes = rateLimitNotes([
      row('list articles', { '200': 40 }),
      row('write article', { '201': 5, '429': 3 }),
      row('favorite', { '200': 4, '429': 1 }),
      row('chat send', { ok: 9, 'rate limited': 2 }),
      row('sign up', { '201': 20, '429': 5 }),
      row('something new', { '429': 1 }),
    ]);
    expect(notes).toEqual([
      "write article 3, favorite 1: the gateway's RATE_LIMIT_WRITES_PER_ACCOUNT (default 60/60) and RATE_LIMIT_WRITES_PER_ADDRESS (default 300/60)",
      "chat send 2: the chat's RATE_LIMIT_SENDS_PER_USER (default 10/5)",
      "sign up 5: the gateway's RATE_LIMIT_SIGN_UPS_PER_ADDRESS (default 20/3600)",
      'something new 1: a rate limit of the stack',
    ]);
  });
});
