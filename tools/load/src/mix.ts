import { UsageError } from './usage-error.ts';

/**
 * The scenarios a virtual user takes part in, each one request (or one chat send). Reads far
 * outnumber writes, as on any blog; the weights are relative, not percentages, though the
 * defaults add up to 100. `write` marks what the gateway counts against the write limits.
 */
export const SCENARIOS = {
  list: { label: 'list articles', weight: 24, write: false },
  feed: { label: 'feed', weight: 8, write: false },
  article: { label: 'read article', weight: 20, write: false },
  comments: { label: 'read comments', weight: 10, write: false },
  profile: { label: 'view profile', weight: 8, write: false },
  signin: { label: 'sign in', weight: 2, write: false },
  write: { label: 'write article', weight: 3, write: true },
  comment: { label: 'comment', weight: 4, write: true },
  favorite: { label: 'favorite', weight: 3, write: true },
  follow: { label: 'follow', weight: 2, write: true },
  chat: { label: 'chat send', weight: 16, write: false },
} as const;

export type ScenarioKey = keyof typeof SCENARIOS;
export type Weights = Readonly<Record<ScenarioKey, number>>;

const KEYS = Object.keys(SCENARIOS) as ScenarioKey[];

export const DEFAULT_WEIGHTS: Weights = Object.fromEntries(
  KEYS.map((key) => [key, SCENARIOS[key].weight]),
) as Record<ScenarioKey, number>;

const isKey = (name: string): name is ScenarioKey => Object.hasOwn(SCENARIOS, name);

/** `chat=0,write=10`: the defaults with those weights changed. */
export function parseMix(text: string): Weights {
  const weights: Record<ScenarioKey, number> = { ...DEFAULT_WEIGHTS };
  for (const pair of text.split(',').filter((part) => part.trim() !== '')) {
    const [name = '', value = ''] = pair.split('=').map((part) => part.trim());
    if (!isKey(name))
      throw new UsageError(`--mix: no scenario "${name}"; the scenarios are ${KEYS.join(', ')}`);
    const weight = Number(value);
    if (value === '' || !Number.isFinite(weight) || weight < 0)
      throw new UsageError(`--mix: ${name} needs a weight of 0 or more, as in ${name}=5`);
    weights[name] = weight;
  }
  if (KEYS.every((key) => weights[key] === 0))
    throw new UsageError('--mix leaves every scenario at 0: nothing would run');
  return weights;
}

/** The share of all operations that are writes, in [0, 1]. */
export function writeShare(weights: Weights): number {
  return shareOf(weights, (key) => SCENARIOS[key].write);
}

export function shareOf(weights: Weights, which: (key: ScenarioKey) => boolean): number {
  const total = KEYS.reduce((sum, key) => sum + weights[key], 0);
  return KEYS.filter(which).reduce((sum, key) => sum + weights[key], 0) / total;
}

/**
 * Picks scenarios in their weights' proportions, spread out evenly rather than at random (smooth
 * weighted round-robin, as nginx balances upstreams): every window of a run has the mix, so a
 * 5-second run has its few writes too, and two runs with the same flags do the same things.
 */
export class MixPicker {
  private readonly keys: ScenarioKey[];
  private readonly weights: number[];
  private readonly credit: number[];
  private readonly total: number;

  constructor(weights: Weights) {
    this.keys = KEYS.filter((key) => weights[key] > 0);
    this.weights = this.keys.map((key) => weights[key]);
    this.credit = this.keys.map(() => 0);
    this.total = this.weights.reduce((sum, weight) => sum + weight, 0);
    if (this.keys.length === 0) throw new Error('every scenario has a weight of 0');
  }

  next(): ScenarioKey {
    let best = 0;
    for (let index = 0; index < this.keys.length; index += 1) {
      this.credit[index] += this.weights[index];
      if (this.credit[index] > this.credit[best]) best = index;
    }
    this.credit[best] -= this.total;
    return this.keys[best];
  }
}
