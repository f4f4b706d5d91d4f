import { isIP } from 'node:net';
import { z } from 'zod';

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a subnet in CIDR notation, or one of Express's names for address ranges. */
function isProxyAddress(item: string): boolean {
  const [address = '', prefix, ...rest] = item.trim().split('/');
  if (PROXY_NAMES.includes(address) && prefix === undefined) return true;
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return (
    prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
  );
}

/** Building blocks for app schemas, so every app reads ports, URLs and durations the same way. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),

  url: (protocols: readonly string[], fallback?: string) => {
    const schema = z.string().refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `must be a URL with protocol ${protocols.join(' or ')}` },
    );
    return fallback === undefined ? schema : schema.default(fallback);
  },

  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),

  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),

  logLevel: () => z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  /** `true` or `false`, nothing else: a typo should stop the start, not read as false. */
  flag: () => z.enum(['true', 'false']).transform((value) => value === 'true'),

  /** A rate as `<requests>/<seconds>`, e.g. `RATE_LIMIT_WRITES_PER_ACCOUNT=60/60`. */
  rate: (fallback: `${number}/${number}`) =>
    z
      .string()
      .regex(/^[1-9]\d*\/[1-9]\d*$/, 'must look like 60/60 (requests per that many seconds)')
      .default(fallback)
      .transform((value) => {
        const [points, windowSeconds] = value.split('/').map(Number);
        return { points: points ?? 1, windowSeconds: windowSeconds ?? 1 };
      }),

  /**
   * Which proxies in front of the service to trust for the client's address (X-Forwarded-For):
   * none (the default), a number of hops, or a comma-separated list of addresses, subnets
   * (`10.0.0.0/8`) or Express's names (`loopback`, `uniquelocal`). Never "any", which would let a
   * client choose the address its limits are counted under.
   */
  trustedProxies: () =>
    z
      .string()
      .default('0')
      .transform((value) => value.trim())
      .refine((value) => /^\d+$/.test(value) || value.split(',').every(isProxyAddress), {
        message:
          'must be a number of hops, or a comma-separated list of proxy addresses or subnets (not "true")',
      })
      .transform((value): number | string[] =>
        /^\d+$/.test(value) ? Number(value) : value.split(',').map((item) => item.trim()),
      ),

  /** A list given as comma-separated values, e.g. `CORS_ORIGINS=https://a.example,https://b.example`. */
  csv: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
};
