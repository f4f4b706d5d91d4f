import { QueryFailedError } from 'typeorm';

const FIELD_BY_CONSTRAINT: Record<string, 'email' | 'username'> = {
  users_email_unique: 'email',
  users_username_unique: 'username',
};

/** The account field a failed insert or update collided on, if that is why it failed. */
export function takenField(error: unknown): 'email' | 'username' | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505'
    ? FIELD_BY_CONSTRAINT[driverError.constraint ?? '']
    : undefined;
}
