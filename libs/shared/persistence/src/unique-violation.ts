import { QueryFailedError } from 'typeorm';

/** True when `error` is PostgreSQL refusing a duplicate in the unique index or constraint `name`. */
export function isUniqueViolation(error: unknown, name: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === name;
}
