import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ChatSocket, type PresenceChange } from '@capstone/contracts';
import { RoomBroadcaster } from './room-broadcaster.js';

/**
 * How long presence changes gather before they go out: a join storm makes one broadcast per
 * room per window from each instance, instead of one per join.
 */
const GATHER_MS = 100;

/**
 * Sends each room's presence changes to everyone in it, gathered over `GATHER_MS`: one
 * `presence` event (`kind: 'changes'`) per room and window, with the changes in their order.
 */
@Injectable()
export class PresenceFeed implements OnApplicationShutdown {
  private readonly pending = new Map<string, PresenceChange[]>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly broadcaster: RoomBroadcaster) {}

  /** The adapter's Redis connections close now: connections leaving as the server closes go unsaid. */
  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.pending.clear();
  }

  add(roomId: string, changes: readonly PresenceChange[]): void {
    if (changes.length === 0 || this.stopped) return;
    const gathered = this.pending.get(roomId);
    if (gathered) gathered.push(...changes);
    else this.pending.set(roomId, [...changes]);
    this.timer ??= setTimeout(() => this.send(), GATHER_MS);
  }

  private send(): void {
    this.timer = undefined;
    for (const [roomId, changes] of this.pending) {
      changes.sort((a, b) => a.seq - b.seq);
      this.broadcaster.to(roomId).emit(ChatSocket.presence, { kind: 'changes', roomId, changes });
    }
    this.pending.clear();
  }
}
