import type { Validated } from '../../src/schema/validate.js';

/** The errors of an input the schema refused; fails the test if the schema accepted it. */
export function errorsOf(result: Validated<unknown>) {
  if (result.ok) throw new Error('expected the input to be refused');
  return result.errors;
}
