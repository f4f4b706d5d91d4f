import type { ErrorDetails } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';

/** Lengths count characters as people do (code points), like the gateway's validation. */
export function characterCount(value: string): number {
  return [...value].length;
}

export function tooLong(maximum: number): string {
  return `is too long (maximum is ${maximum} characters)`;
}

/**
 * A required text field: a string that is not blank and not longer than `maximum`. With `trim`
 * the surrounding whitespace is removed (titles); without it the text is kept as written (bodies).
 */
export function requiredText(
  field: string,
  value: unknown,
  maximum: number,
  { trim }: { trim: boolean },
): string {
  if (value === undefined || value === null) throw ServiceError.invalid(field, "can't be blank");
  if (typeof value !== 'string') throw ServiceError.invalid(field, 'must be text');
  const text = trim ? value.trim() : value;
  if (text.trim() === '') throw ServiceError.invalid(field, "can't be blank");
  if (characterCount(text) > maximum) throw ServiceError.invalid(field, tooLong(maximum));
  return text;
}

type Checks<T> = { readonly [K in keyof T]: () => T[K] };

/** Runs every check and reports all fields at fault in one 422, as RealWorld clients expect. */
export function checkAll<T extends object>(checks: Checks<T>): T {
  const errors: ErrorDetails = {};
  const values: Partial<T> = {};
  for (const field of Object.keys(checks) as (keyof T)[]) {
    try {
      values[field] = checks[field]();
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      Object.assign(errors, error.errors);
    }
  }
  if (Object.keys(errors).length > 0) throw new ServiceError(422, errors);
  return values as T;
}
