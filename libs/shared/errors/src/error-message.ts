/** What went wrong, as one line for a log or a reply: an Error's message, or the value itself. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
