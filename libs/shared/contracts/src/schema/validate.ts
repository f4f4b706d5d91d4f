import type { z } from 'zod';
import type { ErrorDetails } from '../rpc.js';
import { Messages } from './fields.js';

export type Validated<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: ErrorDetails };

/**
 * The field an issue is about, as RealWorld names fields: the last name in its path
 * (`user.email` is `email`, `tagList.3` is `tagList`), or `root` for the value itself.
 */
function fieldOf(path: readonly PropertyKey[], root: string): string {
  const named = path.filter((segment): segment is string => typeof segment === 'string');
  return named.at(-1) ?? root;
}

/** Zod's issues as the RealWorld error body: field → messages, each message once. */
export function errorDetails(error: z.ZodError, root = 'payload'): ErrorDetails {
  const details: ErrorDetails = {};
  const add = (name: string, message: string) => {
    const messages = (details[name] ??= []);
    if (!messages.includes(message)) messages.push(message);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(key, Messages.notAllowed);
    } else {
      add(fieldOf(issue.path, root), issue.message);
    }
  }
  return details;
}

/**
 * Reads untrusted input (an HTTP body, a socket frame, a broker message) with its contract's
 * schema: the parsed value, or every field at fault with its message.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root = 'payload',
): Validated<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: errorDetails(result.error, root) };
}
