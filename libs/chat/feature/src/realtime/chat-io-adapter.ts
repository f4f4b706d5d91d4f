import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';

/** A connection of the Socket.IO server Nest's adapter creates (with its own copy of socket.io). */
type Socket = Parameters<IoAdapter['bindMessageHandlers']>[0];

/** The options of that server, Engine.IO's included. */
type ServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;

export type SocketTransport = 'polling' | 'websocket';

/** What Nest makes of a handler's result: `{ event, data }` to emit, or an acknowledgement. */
interface EmitResponse {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Nest's Socket.IO adapter, with cheaper per-connection state. Nest's own binds every handler of
 * every gateway to each connection as an RxJS pipeline (`fromEvent`, `mergeMap`,
 * `takeUntil(disconnect)`): some twenty closures and subscribers per handler, about 50 KiB per
 * connection with the chat's eleven handlers, more than Socket.IO's own state for it (heap
 * snapshots in apps/chat/README.md). Here a connection holds one `onAny` listener per gateway
 * and the handlers Nest bound to it; an event runs its handler, whose result is acknowledged
 * (or emitted) as Nest's adapter does. `onAny` listeners are not wrapped one by one by the
 * OpenTelemetry Socket.IO instrumentation either: each event is traced by `SocketTraceInterceptor`.
 *
 * The server accepts only the `transports` given: without `polling`, a long-polling handshake is
 * refused (400, "Transport unknown") and only WebSocket connections open.
 */
export class ChatIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly transports: readonly SocketTransport[],
  ) {
    super(app);
  }

  override createIOServer(
    port: number,
    options?: ServerOptions,
  ): ReturnType<IoAdapter['createIOServer']> {
    // Nest types the options as complete; Socket.IO fills in defaults for any left out.
    const withTransports = { ...options, transports: [...this.transports] } as ServerOptions;
    return super.createIOServer(port, withTransports);
  }

  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    if (handlers.length === 0) return;
    socket.onAny((event: unknown, ...payload: unknown[]) => {
      const handler = handlers.find((candidate) => candidate.message === event);
      if (handler) this.handle(socket, handler, payload, transform);
    });
  }

  /** Nest's callback as the adapter's `client.once('disconnect')`, without a wrapper of its own. */
  override bindClientDisconnect(client: Socket, callback: (reason: string) => void): void {
    client.once('disconnect', callback);
  }

  private handle(
    socket: Socket,
    { callback, isAckHandledManually }: MessageMappingProperties,
    payload: unknown[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    // As `fromEvent` hands Nest's adapter one argument alone, several as an array.
    const { data, ack } = this.mapPayload(payload.length === 1 ? payload[0] : payload);
    let results: Observable<unknown>;
    try {
      results = transform(callback(data, ack));
    } catch (error) {
      this.logger.error(error);
      return;
    }
    results.subscribe({
      next: (response) => {
        if (response === null || response === undefined) return;
        if (isEmitResponse(response)) socket.emit(response.event, response.data);
        else if (!isAckHandledManually && typeof ack === 'function') ack(response);
      },
      error: (error: unknown) => this.logger.error(error),
    });
  }
}

function isEmitResponse(response: unknown): response is EmitResponse {
  return (
    typeof response === 'object' && response !== null && 'event' in response && !!response.event
  );
}
