import { isUniqueViolation } from '@capstone/persistence';

const FIELD_BY_CONSTRAINT = {
  users_email_unique: 'email',
  users_username_unique: 'username',
} as const;

/** The account field a failed insert or update collided on, if that is why it failed. */
export function takenField(error: unknown): 'email' | 'username' | undefined {
  const entry = Object.entries(FIELD_BY_CONSTRAINT).find(([constraint]) =>
    isUniqueViolation(error, constraint),
  );
  return entry?.[1];
}
