import { z } from 'zod';
import { field, Messages } from './schema/fields.js';

/** Limits on account fields: one place for the gateway, the auth service and the tests. */
export const AccountRules = {
  emailMaxLength: 254,
  passwordMinLength: 8,
  passwordMaxLength: 128,
  usernameMaxLength: 40,
  /** Letters, digits, `_`, `-` and `.`: safe in URLs such as `/api/profiles/:username`. */
  usernamePattern: /^[A-Za-z0-9_.-]+$/,
  bioMaxLength: 1_000,
  imageMaxLength: 2_048,
  refreshTokenMaxLength: 200,
  ipMaxLength: 64,
  userAgentMaxLength: 512,
} as const;

const text = (maximum: number) => field.text(maximum);

/** The account fields as every edge reads them: trimmed, bounded, storable. */
export const AccountFields = {
  email: text(AccountRules.emailMaxLength).regex(z.regexes.email, 'is invalid'),
  username: text(AccountRules.usernameMaxLength).regex(
    AccountRules.usernamePattern,
    'may only contain letters, digits, _, - and .',
  ),
  /** Kept exactly as typed: spaces are part of a passphrase. */
  password: z
    .string({ error: (issue) => (issue.input === undefined ? Messages.blank : Messages.text) })
    .min(AccountRules.passwordMinLength, Messages.tooShort(AccountRules.passwordMinLength))
    .max(AccountRules.passwordMaxLength, Messages.tooLong(AccountRules.passwordMaxLength)),
  /** What a login compares with the stored hash: any length up to the maximum, never checked further. */
  passwordGiven: field.text(AccountRules.passwordMaxLength, { trim: false }),
  bio: field.nullableText(AccountRules.bioMaxLength),
  /** An http(s) URL, or blank (or null) to remove the image. */
  image: field
    .nullableText(AccountRules.imageMaxLength)
    .refine((value) => value === null || isHttpUrl(value), 'must be an http(s) URL'),
  refreshToken: field.token(AccountRules.refreshTokenMaxLength),
  sessionId: field
    .uuid()
    .meta({ description: 'The id of a session, as the session list shows it' }),
};

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
