import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEIGHTS,
  MixPicker,
  parseMix,
  SCENARIOS,
  writeShare,
  type ScenarioKey,
} from './mix.ts';

function pick(picker: MixPicker, times: number): ScenarioKey[] {
  return Array.from({ length: times }, () => picker.next());
}

const counts = (keys: readonly ScenarioKey[]) =>
  keys.reduce<Record<string, number>>(
    (tally, key) => ({ ...tally, [key]: (tally[key] ?? 0) + 1 }),
    {},
  );

describe('the scenario mix', () => {
  it('is mostly reads, with a write share the default limits allow at the default rate', () => {
    expect(Object.values(DEFAULT_WEIGHTS).reduce((sum, weight) => sum + weight, 0)).toBe(100);
    expect(writeShare(DEFAULT_WEIGHTS)).toBeCloseTo(0.12);
  });

  it('picks each scenario in exact proportion to its weight in every round of 100', () => {
    const picker = new MixPicker(DEFAULT_WEIGHTS);
    for (let round = 0; round < 3; round += 1)
      expect(counts(pick(picker, 100))).toEqual(DEFAULT_WEIGHTS);
  });

  it('spreads a scenario out instead of running it in a burst', () => {
    const picks = pick(new MixPicker(DEFAULT_WEIGHTS), 100);
    const writes = picks.flatMap((key, index) => (key === 'write' ? [index] : []));
    expect(writes).toHaveLength(3);
    // Three writes in a hundred picks come about a third of the run apart.
    expect(Math.min(writes[1] - writes[0], writes[2] - writes[1])).toBeGreaterThan(20);
  });

  it('never picks a scenario of weight 0', () => {
    const picker = new MixPicker(parseMix('chat=0,list=0'));
    expect(pick(picker, 200)).not.toContain('chat');
    expect(new MixPicker({ ...zeroWeights(), feed: 1 }).next()).toBe('feed');
  });

  it('changes the weights named in --mix and keeps the others', () => {
    expect(parseMix('chat=0, write=10')).toEqual({ ...DEFAULT_WEIGHTS, chat: 0, write: 10 });
    expect(parseMix('')).toEqual(DEFAULT_WEIGHTS);
  });

  it('refuses a --mix it cannot use', () => {
    expect(() => parseMix('chats=1')).toThrow('--mix: no scenario "chats"; the scenarios are list');
    expect(() => parseMix('chat=-1')).toThrow('--mix: chat needs a weight of 0 or more');
    expect(() => parseMix('chat')).toThrow('--mix: chat needs a weight');
    const none = Object.keys(SCENARIOS)
      .map((key) => `${key}=0`)
      .join(',');
    expect(() => parseMix(none)).toThrow('--mix leaves every scenario at 0');
  });
});

function zeroWeights(): Record<ScenarioKey, number> {
  return Object.fromEntries(Object.keys(SCENARIOS).map((key) => [key, 0])) as Record<
    ScenarioKey,
    number
  >;
}
