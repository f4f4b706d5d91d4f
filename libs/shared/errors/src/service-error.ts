/** Field name to messages: the RealWorld error body, over the broker and over HTTP alike. */
export type ErrorDetails = Record<string, string[]>;

/**
 * A failure a service expects and can explain: it crosses the broker as an `RpcFailure` and the
 * gateway answers it with the same status and body. Anything else is a bug and becomes a 500.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ErrorDetails,
  ) {
    super(
      Object.entries(errors)
        .map(([field, messages]) => `${field} ${messages.join(', ')}`)
        .join('; '),
    );
    this.name = 'ServiceError';
  }

  static invalid(field: string, message: string): ServiceError {
    return new ServiceError(422, { [field]: [message] });
  }

  static unauthorized(message = 'is missing or invalid'): ServiceError {
    return new ServiceError(401, { token: [message] });
  }

  static forbidden(what: string): ServiceError {
    return new ServiceError(403, { [what]: ['is not yours'] });
  }

  static notFound(what: string): ServiceError {
    return new ServiceError(404, { [what]: ['not found'] });
  }

  static taken(field: string): ServiceError {
    return new ServiceError(422, { [field]: ['has already been taken'] });
  }
}
