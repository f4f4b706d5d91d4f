import { z } from 'zod';

/** Lengths count characters as people do (code points), not UTF-16 units. */
export function characterCount(value: string): number {
  return [...value].length;
}

export const Messages = {
  blank: "can't be blank",
  text: 'must be text',
  tooLong: (maximum: number) => `is too long (maximum is ${maximum} characters)`,
  tooShort: (minimum: number) => `is too short (minimum is ${minimum} characters)`,
  /** PostgreSQL refuses NUL in text, and no database stores half of a UTF-16 surrogate pair. */
  unstorable: 'contains characters that cannot be stored (NUL or an unpaired surrogate)',
  notAllowed: 'is not allowed',
  object: 'must be an object',
} as const;

/** Text every store accepts: no NUL, no unpaired surrogate. */
export function isStorable(value: string): boolean {
  return value.isWellFormed() && !value.includes('\0');
}

const typeError = (expected: string) => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null ? Messages.blank : expected;

/** Any string that may reach a database, at most `maximum` characters, kept as written. */
function storableString(maximum: number) {
  return z
    .string({ error: typeError(Messages.text) })
    .refine(isStorable, Messages.unstorable)
    .refine((value) => characterCount(value) <= maximum, Messages.tooLong(maximum));
}

/** Building blocks of every contract schema, each failure with a message a person can act on. */
export const field = {
  /** Required text, not blank. Trimmed by default (names, titles); `trim: false` keeps bodies as written. */
  text: (maximum: number, { trim = true }: { trim?: boolean } = {}) => {
    const text = z.string({ error: typeError(Messages.text) });
    return (trim ? text.trim() : text)
      .refine((value) => value.trim() !== '', { error: Messages.blank, abort: true })
      .refine(isStorable, Messages.unstorable)
      .refine((value) => characterCount(value) <= maximum, Messages.tooLong(maximum));
  },

  /** Text that may be absent: trimmed, and blank counts as not given (list filters). */
  filter: (maximum: number) =>
    storableString(maximum)
      .transform((value) => value.trim() || undefined)
      .optional(),

  /** Text that may be cleared: blank (or null) becomes null (a profile's bio). */
  nullableText: (maximum: number) =>
    storableString(maximum)
      .nullable()
      .transform((value) => (value === null || value.trim() === '' ? null : value)),

  /** An opaque token or key, refused as `is invalid` when it cannot be one. */
  token: (maximum: number) =>
    z
      .string({ error: typeError(Messages.text) })
      .min(1, Messages.blank)
      .max(maximum, 'is invalid')
      .refine(isStorable, 'is invalid'),

  uuid: () =>
    z.uuid({ error: (issue) => (issue.input === undefined ? Messages.blank : 'is invalid') }),

  /** A room or message id: the hexadecimal form of a MongoDB ObjectId. */
  objectId: () =>
    z.string({ error: typeError('must be an id') }).regex(/^[0-9a-f]{24}$/, 'is not a valid id'),

  /** A whole number from `minimum` to `maximum`; from a query string too (`?limit=20`). */
  count: (minimum: number, maximum: number, { coerce = false }: { coerce?: boolean } = {}) =>
    (coerce ? z.coerce.number('must be a whole number') : z.number('must be a whole number'))
      .int('must be a whole number')
      .min(minimum, minimum === 0 ? 'must not be negative' : `must be at least ${minimum}`)
      .max(maximum, `must be at most ${maximum}`),

  /** A list of at most `maximum` items, each read with `item`. */
  list: <T extends z.ZodType>(item: T, maximum: number, what: string) =>
    z
      .array(item, `must be a list of ${what}`)
      .max(maximum, `has too many ${what} (maximum is ${maximum})`),

  /** `true` or `false`. */
  flag: () => z.boolean('must be true or false'),
};

/** An object whose every field is known: anything else is refused as `is not allowed`. */
export function strictObject<T extends z.ZodRawShape>(shape: T, message: string = Messages.object) {
  return z.strictObject(shape, { error: message });
}

/** An object that ignores fields it does not know, for readers of events that may grow. */
export function tolerantObject<T extends z.ZodRawShape>(
  shape: T,
  message: string = Messages.object,
) {
  return z.object(shape, { error: message });
}
