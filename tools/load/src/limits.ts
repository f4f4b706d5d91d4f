import { SCENARIOS, shareOf, writeShare, type Weights } from './mix.ts';
import type { LoadOptions } from './options.ts';
import { isRateLimited, type OperationSummary } from './stats.ts';

/**
 * The default limits of gateway.config.ts and chat.config.ts. A stack may be configured with
 * others, which the load cannot see: these only say what to expect, the 429s say what happened.
 */
export const DEFAULT_LIMITS = {
  writesPerAccountPerMinute: 60,
  writesPerAddressPerMinute: 300,
  signUpsPerAddressPerHour: 20,
  chatSendsPerUserPer5Seconds: 10,
} as const;

const WRITES =
  "the gateway's RATE_LIMIT_WRITES_PER_ACCOUNT (default 60/60) and RATE_LIMIT_WRITES_PER_ADDRESS (default 300/60)";

/** The setting behind each operation's 429s, for the note under the summary. */
const LIMIT_OF: Readonly<Record<string, string>> = {
  [SCENARIOS.write.label]: WRITES,
  [SCENARIOS.comment.label]: WRITES,
  [SCENARIOS.favorite.label]: WRITES,
  [SCENARIOS.follow.label]: WRITES,
  [SCENARIOS.signin.label]:
    "the gateway's LOGIN_MAX_FAILURES_PER_ADDRESS (failed sign-ins, default 20 per 900 s)",
  [SCENARIOS.chat.label]: "the chat's RATE_LIMIT_SENDS_PER_USER (default 10/5)",
  'sign up': "the gateway's RATE_LIMIT_SIGN_UPS_PER_ADDRESS (default 20/3600)",
  'chat join': "the chat's RATE_LIMIT_JOINS_PER_USER (default 30/60)",
};

const perMinute = (perSecond: number) => Math.round(perSecond * 60);

/** What the default limits will refuse of this run, said before it starts. */
export function limitWarnings(
  options: Pick<LoadOptions, 'rate' | 'users'>,
  weights: Weights,
): string[] {
  const warnings: string[] = [];
  const writes = options.rate * writeShare(weights);
  if (perMinute(writes) > DEFAULT_LIMITS.writesPerAddressPerMinute)
    warnings.push(
      `about ${perMinute(writes)} writes a minute from this address: the default limit is ${DEFAULT_LIMITS.writesPerAddressPerMinute} (RATE_LIMIT_WRITES_PER_ADDRESS), expect 429s`,
    );
  if (perMinute(writes / options.users) > DEFAULT_LIMITS.writesPerAccountPerMinute)
    warnings.push(
      `about ${perMinute(writes / options.users)} writes a minute per account: the default limit is ${DEFAULT_LIMITS.writesPerAccountPerMinute} (RATE_LIMIT_WRITES_PER_ACCOUNT); more --users spread them`,
    );
  const sendsPer5s = (options.rate * shareOf(weights, (key) => key === 'chat') * 5) / options.users;
  if (sendsPer5s > DEFAULT_LIMITS.chatSendsPerUserPer5Seconds)
    warnings.push(
      `about ${sendsPer5s.toFixed(0)} chat sends per user every 5 s: the default limit is ${DEFAULT_LIMITS.chatSendsPerUserPer5Seconds} (RATE_LIMIT_SENDS_PER_USER); more --users spread them`,
    );
  if (options.users > DEFAULT_LIMITS.signUpsPerAddressPerHour)
    warnings.push(
      `${options.users} accounts: new ones are signed up at most ${DEFAULT_LIMITS.signUpsPerAddressPerHour} an hour from one address by default (RATE_LIMIT_SIGN_UPS_PER_ADDRESS); later runs sign them in`,
    );
  return warnings;
}

/** One line per setting that refused something: which operations, how many each. */
export function rateLimitNotes(summaries: readonly OperationSummary[]): string[] {
  const bySetting = new Map<string, string[]>();
  for (const summary of summaries) {
    const limited = [...summary.outcomes]
      .filter(([outcome]) => isRateLimited(outcome))
      .reduce((sum, [, count]) => sum + count, 0);
    if (limited === 0) continue;
    const setting = LIMIT_OF[summary.label] ?? 'a rate limit of the stack';
    bySetting.set(setting, [...(bySetting.get(setting) ?? []), `${summary.label} ${limited}`]);
  }
  return [...bySetting].map(([setting, counts]) => `${counts.join(', ')}: ${setting}`);
}
