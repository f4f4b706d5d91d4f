/**
 * Limits on account fields, shared by the gateway's request validation and the auth service's own
 * checks so the two can never disagree.
 */
export const AccountRules = {
  emailMaxLength: 254,
  passwordMinLength: 8,
  passwordMaxLength: 128,
  usernameMaxLength: 40,
  /** Letters, digits, `_`, `-` and `.`: safe in URLs such as `/api/profiles/:username`. */
  usernamePattern: /^[A-Za-z0-9_.-]+$/,
  bioMaxLength: 1_000,
  imageMaxLength: 2_048,
} as const;
