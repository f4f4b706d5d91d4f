import { MessagePattern, Transport } from '@nestjs/microservices';
import { validate, type RpcDefinition, type RpcPayload, type RpcReply } from '@capstone/contracts';
import type { z } from 'zod';
import { ServiceError } from '@capstone/errors';
import { measureRpc } from './messaging-metrics.js';

/** The handler a contract asks for: its payload in, its reply (or a promise of it) out. */
export type RpcHandler<T extends RpcDefinition> = (
  payload: RpcPayload<T>,
) => RpcReply<T> | Promise<RpcReply<T>>;

/**
 * Reads a message (from a queue or a socket) with its contract's schema: the parsed value, or a
 * 422 naming every field at fault. Whatever arrives is untrusted, whoever sent it.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root = 'payload',
): z.output<S> {
  const result = validate(schema, input, root);
  if (!result.ok) throw new ServiceError(422, result.errors);
  return result.value;
}

/**
 * Declares a method as the handler of one request of a contract (`@Rpc(BlogRpc.follow)`): it is
 * subscribed on the service's RPC server, receives the payload only once the contract's schema
 * accepted it (else the caller gets 422 with the fields named), and must take and return what the
 * contract says: a mismatch does not compile. Each call is measured (`rpc.server.call.duration`).
 */
export function Rpc<T extends RpcDefinition>(rpc: T) {
  return <M extends RpcHandler<T>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const handler = descriptor.value;
    if (!handler) throw new Error(`@Rpc(${rpc.pattern}) must decorate a method`);
    // Nest calls a handler without parameter decorators with (payload, context).
    const checked = function (this: unknown, payload: unknown) {
      return measureRpc('server', rpc.pattern, async () =>
        handler.call(this, parseInput(rpc.request, payload) as RpcPayload<T>),
      );
    };
    // The logs and traces name the handler by its function's name.
    Object.defineProperty(checked, 'name', { value: handler.name });
    descriptor.value = checked as M;
    (MessagePattern(rpc.pattern, Transport.RMQ) as MethodDecorator)(target, key, descriptor);
  };
}
