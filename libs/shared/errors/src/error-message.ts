/** What went wrong, as one line for a log or a reply: an Error's message, or the value itself. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The code of a failure (`ECONNREFUSED`, a PostgreSQL SQLSTATE), if it has one. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown[] };
  if (typeof code === 'string') return code;
  // Node reports a refused connection to every address of a name as one AggregateError.
  return Array.isArray(errors) ? errorCodeOf(errors[0]) : undefined;
}

/** What went wrong, for a log line: the message, else the code (an AggregateError has no message). */
export function reasonOf(error: unknown): string {
  return errorMessage(error) || errorCodeOf(error) || 'unknown error';
}
