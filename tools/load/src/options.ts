import { parseArgs } from 'node:util';
import { DEFAULT_WEIGHTS, parseMix, type Weights } from './mix.ts';
import { UsageError } from './usage-error.ts';

/** What one run of `npm run load` does, read from its flags and environment. */
export interface LoadOptions {
  /** The gateway's base URL, without a trailing slash. */
  readonly url: string;
  readonly durationSeconds: number;
  /** Operations started per second, across every scenario. */
  readonly rate: number;
  /** Accounts the load signs in as (and signs up, the first time). */
  readonly users: number;
  /** Names the accounts (`<prefix>-1`, …) and the chat room. */
  readonly prefix: string;
  /** The accounts' password; the same on every run, so that a later run signs in. */
  readonly password: string;
  readonly weights: Weights;
  /** Past this many unanswered operations, new ones are dropped rather than queued. */
  readonly maxInFlight: number;
}

export const DEFAULT_URL = 'http://localhost:3000';
/** A test password: a learner's cluster open to others should set LOAD_PASSWORD. */
const DEFAULT_PASSWORD = 'load generator passphrase';

export const USAGE = `Usage: npm run load -- [options]

  --url <url>            the gateway (default: $GATEWAY_URL or ${DEFAULT_URL})
  --duration <seconds>   how long to run (default 60)
  --rate <n>             operations started per second, all scenarios together (default 20)
  --users <n>            accounts to act as: signed up the first time, signed in after (default 10)
  --prefix <name>        names the accounts <name>-1 … <name>-N and the chat room (default load)
  --mix <key=weight,…>   change the scenario weights, e.g. --mix chat=0,write=10
                         keys: ${Object.keys(DEFAULT_WEIGHTS).join(', ')}
  --max-in-flight <n>    drop new operations while this many are unanswered (default 200)
  --help                 show this

Environment: GATEWAY_URL (like --url), LOAD_PASSWORD (the accounts' password).`;

/** Reads the flags; `undefined` when help was asked for. */
export function parseOptions(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
): LoadOptions | undefined {
  const { values } = parseFlags(argv);
  if (values.help) return undefined;
  const password = environment['LOAD_PASSWORD'] ?? DEFAULT_PASSWORD;
  if (password.length < 8) throw new UsageError('LOAD_PASSWORD must have at least 8 characters');
  return {
    url: gatewayUrl(values.url ?? environment['GATEWAY_URL'] ?? DEFAULT_URL),
    durationSeconds: numberFlag('duration', values.duration, 60, { min: 1, max: 86_400 }),
    rate: numberFlag('rate', values.rate, 20, { min: 0.1, max: 10_000 }),
    users: numberFlag('users', values.users, 10, { min: 1, max: 1_000, integer: true }),
    prefix: prefixFlag(values.prefix ?? 'load'),
    password,
    weights: values.mix === undefined ? DEFAULT_WEIGHTS : parseMix(values.mix),
    maxInFlight: numberFlag('max-in-flight', values['max-in-flight'], 200, {
      min: 1,
      max: 100_000,
      integer: true,
    }),
  };
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        duration: { type: 'string' },
        rate: { type: 'string' },
        users: { type: 'string' },
        prefix: { type: 'string' },
        mix: { type: 'string' },
        'max-in-flight': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says which flag is wrong ("Unknown option '--rat'"), which is all a user needs.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function gatewayUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be a URL such as ${DEFAULT_URL}, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url must start with http:// or https://, not "${text}"`);
  return url.toString().replace(/\/+$/, '');
}

function numberFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  { min, max, integer = false }: { min: number; max: number; integer?: boolean },
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const kind = integer ? 'a whole number' : 'a number';
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
    throw new UsageError(`--${name} must be ${kind}, not "${text}"`);
  if (value < min || value > max)
    throw new UsageError(`--${name} must be between ${min} and ${max}, not ${value}`);
  return value;
}

/** Usernames allow letters, digits, `_`, `-` and `.`, up to 40: room for `-<n>`. */
function prefixFlag(text: string): string {
  if (!/^[A-Za-z0-9_.-]{1,30}$/.test(text))
    throw new UsageError(
      `--prefix must be 1 to 30 letters, digits, _, - or ., not "${text}" (it names the accounts)`,
    );
  return text;
}
