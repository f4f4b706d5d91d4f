import { z } from 'zod';

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
