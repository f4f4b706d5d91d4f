import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatSocket } from '@capstone/contracts';
import type { ChatConnection } from './socket-types.js';

const CHECK_EVERY_MS = 1_000;

/**
 * Ends each connection when its access token expires, telling the client first (`auth:expired`)
 * so that it reconnects with a fresh token. One timer for all connections, grouped by the second
 * their token expires in, rather than a timer and a listener per connection: a connection ends
 * at most a second after its token.
 */
@Injectable()
export class ConnectionExpiry implements OnModuleInit, OnApplicationShutdown {
  private readonly bySecond = new Map<number, Set<ChatConnection>>();
  private timer: NodeJS.Timeout | undefined;

  onModuleInit(): void {
    this.timer = setInterval(() => this.endExpired(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  watch(socket: ChatConnection): void {
    const second = secondOf(socket);
    const due = this.bySecond.get(second) ?? new Set();
    due.add(socket);
    this.bySecond.set(second, due);
  }

  forget(socket: ChatConnection): void {
    const second = secondOf(socket);
    const due = this.bySecond.get(second);
    due?.delete(socket);
    if (due?.size === 0) this.bySecond.delete(second);
  }

  private endExpired(): void {
    const now = Date.now() / 1_000;
    for (const [second, due] of this.bySecond) {
      if (second > now) continue;
      this.bySecond.delete(second);
      for (const socket of due) {
        socket.emit(ChatSocket.tokenExpired, { message: 'token has expired' });
        socket.disconnect(true);
      }
    }
  }
}

/** The whole second at or after which the connection's token has expired. */
function secondOf(socket: ChatConnection): number {
  return Math.ceil(socket.data.expiresAt / 1_000);
}
