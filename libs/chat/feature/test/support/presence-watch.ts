import { ChatSocket, type ChatUser, type PresenceEvent } from '@capstone/contracts';
import type { Socket } from 'socket.io-client';

/**
 * A room's presence as one client knows it from the `presence` events it receives, merged as the
 * web page does (apps/web/public/presence.js): a snapshot replaces the list, a change applies if
 * its number is above the snapshot's and above the last change applied for that user.
 */
export interface PresenceWatch {
  /** Every `presence` event of the room, as received. */
  readonly events: PresenceEvent[];
  /** The names online now, sorted. */
  online(): string[];
  /** Resolves once the names online are exactly these (in any order); fails after 5 s. */
  until(names: readonly string[]): Promise<void>;
}

export function watchPresence(socket: Socket, roomId: string): PresenceWatch {
  const events: PresenceEvent[] = [];
  const online = new Map<string, ChatUser>();
  const lastSeq = new Map<string, number>();
  let snapshotSeq = -1;
  const waiters = new Set<() => void>();
  const names = () => [...online.values()].map((user) => user.username).sort();

  socket.on(ChatSocket.presence, (event: PresenceEvent) => {
    if (event.roomId !== roomId) return;
    events.push(event);
    if (event.kind === 'snapshot') {
      online.clear();
      lastSeq.clear();
      snapshotSeq = event.seq;
      for (const user of event.online) online.set(user.userId, user);
    } else {
      for (const { seq, user, online: isOnline } of event.changes) {
        if (seq <= snapshotSeq || seq <= (lastSeq.get(user.userId) ?? -1)) continue;
        lastSeq.set(user.userId, seq);
        if (isOnline) online.set(user.userId, user);
        else online.delete(user.userId);
      }
    }
    for (const waiter of waiters) waiter();
  });

  return {
    events,
    online: names,
    until: (wanted) =>
      new Promise((resolve, reject) => {
        const expected = JSON.stringify([...wanted].sort());
        const check = () => {
          if (JSON.stringify(names()) !== expected) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`presence never showed ${expected}; it shows ${JSON.stringify(names())}`),
          );
        }, 5_000);
        waiters.add(check);
        check();
      }),
  };
}
