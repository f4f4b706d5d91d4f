import { describe, expect, it } from 'vitest';
import { Recorder } from './stats.ts';
import { summaryText, type RunFacts } from './summary.ts';

function facts(overrides: Partial<RunFacts> = {}): RunFacts {
  const run = new Recorder();
  run.record('list articles', 5, '200');
  run.record('chat send', 12, 'ok');
  const setup = new Recorder();
  setup.record('sign up', 300, '201');
  const deliveries = new Recorder();
  deliveries.record('chat receive', 20, 'ok');
  return {
    options: { url: 'http://localhost:3000', rate: 2, users: 2 },
    seconds: 1,
    dropped: 0,
    run,
    setup,
    setupSeconds: 0.5,
    deliveries,
    chat: { expected: 1, received: 1 },
    ...overrides,
  };
}

describe('the summary at the end of a run', () => {
  it('has a row per operation, their total and the deliveries, then the setup apart', () => {
    const text = summaryText(facts());
    expect(text).toContain(
      'http://localhost:3000: 2 operations in 1 s, 2.0/s of the 2/s asked, 2 users',
    );
    expect(text).toMatch(/^list articles .* 200×1$/m);
    expect(text).toMatch(/^chat send .* ok×1$/m);
    expect(text).toMatch(/^all .* 200×1 ok×1$/m);
    expect(text).toMatch(/^chat receive .* ok×1$/m);
    expect(text).toMatch(/Setup \(0\.5 s, not counted above\):\n.*\n.*\nsign up .* 201×1/);
    expect(text).toContain("Chat: 1 of 1 deliveries to this run's connections arrived.");
    expect(text).toContain('Every operation of the run succeeded.');
  });

  it('shows 429s in the statuses and says which limit refused them, rather than hiding them', () => {
    const run = new Recorder();
    run.record('comment', 9, '201');
    run.record('comment', 3, '429');
    const text = summaryText(facts({ run }));
    expect(text).toMatch(/^comment .* 201×1 429×1$/m);
    expect(text).toContain("comment 1: the gateway's RATE_LIMIT_WRITES_PER_ACCOUNT");
    expect(text).not.toContain('Every operation of the run succeeded.');
  });

  it('says how many operations were dropped and how many deliveries went missing', () => {
    const text = summaryText(facts({ dropped: 7, chat: { expected: 10, received: 8 } }));
    expect(text).toContain('7 operations were not started');
    expect(text).toContain(
      "Chat: 8 of 10 deliveries to this run's connections arrived, 2 missing.",
    );
  });
});
