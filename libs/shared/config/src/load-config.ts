import { z } from 'zod';

/** Thrown at start-up when the environment does not satisfy an app's schema. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type EnvSchema = z.ZodType;

/**
 * Validates the environment against an app's schema and returns the typed result.
 * Every problem names its variable, so a wrong deployment fails with a message an operator can act on.
 */
export function loadConfig<TSchema extends EnvSchema>(
  schema: TSchema,
  env: NodeJS.ProcessEnv = process.env,
): z.output<TSchema> {
  const blankAsMissing = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(blankAsMissing);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    return issue.code === 'invalid_type' && !(variable in blankAsMissing)
      ? `${variable} is required but not set`
      : `${variable}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
