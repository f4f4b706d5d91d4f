import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS } from './mix.ts';
import { parseOptions } from './options.ts';
import { UsageError } from './usage-error.ts';

const parse = (argv: string[], environment: Record<string, string> = {}) =>
  parseOptions(argv, environment);

function refusal(argv: string[], environment: Record<string, string> = {}): string {
  try {
    parse(argv, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('the options of npm run load', () => {
  it('default to a short, gentle run against compose on this machine', () => {
    expect(parse([])).toEqual({
      url: 'http://localhost:3000',
      durationSeconds: 60,
      rate: 20,
      users: 10,
      prefix: 'load',
      password: 'load generator passphrase',
      weights: DEFAULT_WEIGHTS,
      maxInFlight: 200,
    });
  });

  it('take the gateway from --url, else GATEWAY_URL, without a trailing slash', () => {
    const cluster = { GATEWAY_URL: 'https://capstone.example.com/' };
    expect(parse([], cluster)?.url).toBe('https://capstone.example.com');
    expect(parse(['--url', 'http://127.0.0.1:8080'], cluster)?.url).toBe('http://127.0.0.1:8080');
  });

  it('read the numbers, the prefix, the password and the mix', () => {
    const options = parse(
      ['--duration', '5', '--rate', '2.5', '--users', '3', '--prefix', 'me', '--mix', 'chat=0'],
      { LOAD_PASSWORD: 'a longer secret' },
    );
    expect(options).toMatchObject({
      durationSeconds: 5,
      rate: 2.5,
      users: 3,
      prefix: 'me',
      password: 'a longer secret',
      weights: { ...DEFAULT_WEIGHTS, chat: 0 },
    });
  });

  it('return nothing for --help, so that main prints the usage', () => {
    expect(parse(['--help'])).toBeUndefined();
    expect(parse(['-h'])).toBeUndefined();
  });

  it('refuse what they cannot use, saying which flag and why', () => {
    expect(refusal(['--rate', 'fast'])).toBe('--rate must be a number, not "fast"');
    expect(refusal(['--rate', '0'])).toBe('--rate must be between 0.1 and 10000, not 0');
    expect(refusal(['--users', '2.5'])).toBe('--users must be a whole number, not "2.5"');
    expect(refusal(['--duration', ''])).toBe('--duration must be a number, not ""');
    expect(refusal(['--url', 'localhost:3000'])).toBe(
      '--url must start with http:// or https://, not "localhost:3000"',
    );
    expect(refusal(['--url', 'not a url'])).toContain('--url must be a URL');
    expect(refusal(['--prefix', 'a b'])).toContain('--prefix must be 1 to 30 letters');
    expect(refusal(['--rat', '5'])).toContain("'--rat'");
    expect(refusal(['extra'])).toContain("'extra'");
    expect(refusal([], { LOAD_PASSWORD: 'short' })).toBe(
      'LOAD_PASSWORD must have at least 8 characters',
    );
  });
});
