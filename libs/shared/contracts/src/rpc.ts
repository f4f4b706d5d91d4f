import type { ErrorDetails } from '@capstone/errors';
import type { z } from 'zod';

/**
 * A request/reply message: its pattern and the schemas of its request and reply. The sender, the
 * handler and the gateway's documentation all derive from this one definition, so a rename or a
 * payload change breaks the build on both sides, and the handler checks what actually arrives.
 */
export interface RpcDefinition<
  TRequest extends z.ZodType = z.ZodType,
  TReply extends z.ZodType = z.ZodType,
> {
  readonly pattern: string;
  readonly request: TRequest;
  readonly reply: TReply;
}

export function defineRpc<TRequest extends z.ZodType, TReply extends z.ZodType>(
  pattern: string,
  request: TRequest,
  reply: TReply,
): RpcDefinition<TRequest, TReply> {
  return { pattern, request, reply };
}

/** What a caller sends (before defaults and trimming). */
export type RpcRequest<T extends RpcDefinition> = z.input<T['request']>;
/** What the handler receives: the request as its schema parsed it. */
export type RpcPayload<T extends RpcDefinition> = z.output<T['request']>;
/** What the handler returns and the caller receives. */
export type RpcReply<T extends RpcDefinition> = z.output<T['reply']>;

/**
 * A service's broker interface: a handler for every request of its contract set, each taking the
 * parsed payload and answering the reply (`implements RpcHandlers<typeof BlogRpc>`). A request
 * added to the contracts without a handler, or a handler that drifts from its contract, does not
 * compile.
 */
export type RpcHandlers<C extends Readonly<Record<string, RpcDefinition>>> = {
  readonly [K in keyof C]: (payload: RpcPayload<C[K]>) => Promise<RpcReply<C[K]>>;
};

export type { ErrorDetails };

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
