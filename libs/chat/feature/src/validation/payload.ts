import type { ErrorDetails } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';
import { z } from 'zod';

/** Lengths count characters as people do (code points), like the rest of the system. */
function characterCount(value: string): number {
  return [...value].length;
}

/** Building blocks of the payload schemas, each with a message a person can act on. */
export const field = {
  /** Text without surrounding whitespace, 1 to `maximum` characters. Never escaped or interpreted. */
  text: (maximum: number) =>
    z
      .string({ error: (issue) => (issue.input === undefined ? "can't be blank" : 'must be text') })
      .trim()
      .min(1, "can't be blank")
      .refine(
        (value) => characterCount(value) <= maximum,
        `is too long (maximum is ${maximum} characters)`,
      ),

  /** A room or message id: the hexadecimal form of a MongoDB ObjectId. */
  id: () =>
    z
      .string({
        error: (issue) => (issue.input === undefined ? "can't be blank" : 'must be an id'),
      })
      .regex(/^[0-9a-f]{24}$/, 'is not a valid id'),

  limit: (maximum: number) =>
    z
      .number('must be a number')
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(maximum, `must be at most ${maximum}`),
};

/**
 * The payload if it matches the schema; otherwise a 422 naming every field at fault. Sockets and
 * the broker carry whatever a client sends, so every handler reads its input through this.
 */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const errors: ErrorDetails = {};
  for (const issue of result.error.issues) {
    const name = issue.path.join('.') || 'payload';
    (errors[name] ??= []).push(issue.message);
  }
  throw new ServiceError(422, errors);
}
