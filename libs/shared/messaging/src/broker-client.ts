import type { OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import {
  isRpcFailure,
  type RpcDefinition,
  type RpcReply,
  type RpcRequest,
} from '@capstone/contracts';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { ServiceError } from '@capstone/errors';

/** The broker did not carry a request to its service and back: unreachable (503) or too slow (504). */
export class BrokerUnavailableError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'timeout',
    readonly service: string,
    cause?: unknown,
  ) {
    super(`${service} ${reason === 'timeout' ? 'did not answer in time' : 'cannot be reached'}`, {
      cause,
    });
    this.name = 'BrokerUnavailableError';
  }
}

/**
 * Sends typed requests to one service over RabbitMQ. Every request carries the current trace
 * context (OpenTelemetry's amqplib instrumentation puts it in the message headers) and ends within
 * `timeoutMs`: with the reply, with the service's own `ServiceError`, or with
 * a `BrokerUnavailableError`. It never hangs.
 */
export class BrokerClient implements OnApplicationShutdown {
  constructor(
    private readonly service: string,
    private readonly proxy: ClientProxy,
    private readonly timeoutMs: number,
  ) {}

  async send<T extends RpcDefinition>(rpc: T, payload: RpcRequest<T>): Promise<RpcReply<T>> {
    try {
      return await firstValueFrom(
        this.proxy.send<RpcReply<T>>(rpc.pattern, payload).pipe(timeout(this.timeoutMs)),
      );
    } catch (error) {
      if (isRpcFailure(error)) throw new ServiceError(error.status, error.errors);
      throw new BrokerUnavailableError(
        error instanceof TimeoutError ? 'timeout' : 'unreachable',
        this.service,
        error,
      );
    }
  }

  /** Resolves once the client holds a connection to the broker; used by readiness checks. */
  async ensureConnected(): Promise<void> {
    await this.proxy.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.proxy.close();
  }
}
