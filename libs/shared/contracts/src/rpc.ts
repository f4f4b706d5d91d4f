/**
 * A request/reply message: its pattern plus the request and reply types, so the sender and
 * the receiver share one definition and a rename or a payload change breaks the build.
 */
export interface RpcDefinition<TRequest, TReply> {
  readonly pattern: string;
  /** Phantom fields: they carry the types and never hold a value. */
  readonly request?: TRequest;
  readonly reply?: TReply;
}

export function defineRpc<TRequest, TReply>(pattern: string): RpcDefinition<TRequest, TReply> {
  return { pattern };
}

export type RpcRequest<T> = T extends RpcDefinition<infer R, unknown> ? R : never;
export type RpcReply<T> = T extends RpcDefinition<unknown, infer R> ? R : never;

/** Field name to messages: the RealWorld error body, used over the broker and over HTTP alike. */
export type ErrorDetails = Record<string, string[]>;

/** What a service sends back instead of a reply when a request fails for a known reason. */
export interface RpcFailure {
  readonly status: number;
  readonly errors: ErrorDetails;
}

export function isRpcFailure(value: unknown): value is RpcFailure {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<RpcFailure>;
  return typeof candidate.status === 'number' && typeof candidate.errors === 'object';
}

/** The AMQP header that carries the correlation id of the HTTP request that caused a message. */
export const CORRELATION_HEADER = 'x-correlation-id';
