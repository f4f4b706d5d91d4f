import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '@capstone/errors';
import type { ChatServer, ServerSideEvents } from './socket-types.js';

/** How long a change waits for the other instances to confirm they applied it. */
const CONFIRM_WITHIN_MS = 2_000;

type InstanceEventName = keyof ServerSideEvents;
type Payload<E extends InstanceEventName> = Parameters<ServerSideEvents[E]>[0];
type Handler<E extends InstanceEventName> = (payload: Payload<E>) => void | Promise<void>;

/**
 * What a chat instance must tell the others about changes they hold state for (cached room
 * access, the names on open connections), through the Socket.IO Redis adapter's server-side
 * events. `publish` applies a change here, then on every other instance, and resolves once each
 * has confirmed it, or after `CONFIRM_WITHIN_MS` if one did not (Redis unreachable, an instance
 * stopping): what depends on it then has a bound of its own (the room access cache's expiry).
 */
@Injectable()
export class InstanceBus {
  private readonly logger = new Logger(InstanceBus.name);
  private readonly handlers = new Map<InstanceEventName, Handler<InstanceEventName>[]>();
  private server: ChatServer | undefined;

  /** Called once the Socket.IO server exists. */
  attach(server: ChatServer): void {
    this.server = server;
    for (const event of this.handlers.keys()) {
      server.on(event, (payload: Payload<typeof event>, done: () => void) => {
        this.apply(event, payload).finally(done);
      });
    }
  }

  /** Runs `handler` for every `event`, whichever instance published it; before `attach`. */
  on<E extends InstanceEventName>(event: E, handler: Handler<E>): void {
    if (this.server) throw new Error(`${event}: handlers are registered before the server starts`);
    const handlers = this.handlers.get(event) ?? [];
    handlers.push(handler as Handler<InstanceEventName>);
    this.handlers.set(event, handlers);
  }

  async publish<E extends InstanceEventName>(event: E, payload: Payload<E>): Promise<void> {
    await this.apply(event, payload);
    if (!this.server) return;
    // Socket.IO types the arguments from `ServerSideEvents`, which a generic `E` cannot narrow.
    const emitWithAck = this.server.serverSideEmitWithAck.bind(this.server) as unknown as (
      event: E,
      payload: Payload<E>,
    ) => Promise<unknown[]>;
    const confirmed = emitWithAck(event, payload);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer in time')), CONFIRM_WITHIN_MS);
    });
    try {
      await Promise.race([confirmed, late]);
    } catch (error) {
      this.logger.warn({
        msg: 'not confirmed by every instance',
        event,
        error: errorMessage(error),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private async apply<E extends InstanceEventName>(event: E, payload: Payload<E>): Promise<void> {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        await handler(payload);
      } catch (error) {
        this.logger.warn({ msg: 'instance event not applied', event, error: errorMessage(error) });
      }
    }
  }
}
