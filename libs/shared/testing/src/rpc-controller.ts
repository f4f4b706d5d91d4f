import 'reflect-metadata';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import type { RpcDefinition, RpcReply, RpcRequest } from '@capstone/contracts';

type Method = (payload: unknown) => unknown;

/**
 * Calls a service's RPC handlers in process, the way its broker server does: by the contract's
 * pattern, with the payload as sent, so the handler's own schema check runs exactly as it would
 * for a message from the queue. For integration tests of a service without the broker.
 */
export function rpcCaller(controller: object) {
  const handlers = new Map<string, Method>();
  const prototype = Object.getPrototypeOf(controller) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method = prototype[name];
    if (typeof method !== 'function') continue;
    const patterns = (Reflect.getMetadata(PATTERN_METADATA, method) ?? []) as unknown[];
    for (const pattern of patterns) {
      if (typeof pattern === 'string') handlers.set(pattern, method.bind(controller) as Method);
    }
  }
  return async <T extends RpcDefinition>(rpc: T, payload: RpcRequest<T>): Promise<RpcReply<T>> => {
    const handler = handlers.get(rpc.pattern);
    if (!handler) throw new Error(`${controller.constructor.name} does not handle ${rpc.pattern}`);
    return (await handler(payload)) as RpcReply<T>;
  };
}
