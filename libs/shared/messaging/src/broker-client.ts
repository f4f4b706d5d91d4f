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
import { BrokerUnavailableError } from './broker-unavailable.error.js';
import { measureRpc } from './messaging-metrics.js';
import { withDeadline } from './request-deadline.js';

/**
 * Sends typed requests to one service over RabbitMQ. Every request carries the current trace
 * context (OpenTelemetry's amqplib instrumentation puts it in the message headers) and ends within
 * `timeoutMs`: with the reply, with the service's own `ServiceError`, or with
 * a `BrokerUnavailableError`. It never hangs. A request expires with it (`withDeadline`): one that
 * timed out is not run later, when no one waits for it.
 */
export class BrokerClient implements OnApplicationShutdown {
  constructor(
    private readonly service: string,
    private readonly proxy: ClientProxy,
    private readonly timeoutMs: number,
  ) {}

  async send<T extends RpcDefinition>(rpc: T, payload: RpcRequest<T>): Promise<RpcReply<T>> {
    return measureRpc('client', rpc.pattern, () => this.request(rpc, payload));
  }

  private async request<T extends RpcDefinition>(
    rpc: T,
    payload: RpcRequest<T>,
  ): Promise<RpcReply<T>> {
    try {
      return await firstValueFrom(
        this.proxy
          .send<RpcReply<T>>(rpc.pattern, withDeadline(payload, this.timeoutMs))
          .pipe(timeout(this.timeoutMs)),
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
