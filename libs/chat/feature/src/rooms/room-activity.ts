import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { errorMessage } from '@capstone/errors';
import { Types, type Model } from 'mongoose';
import { Room } from '../persistence/room.schema.js';

/** How long a room's last activity waits before it is written, with every other room's since. */
const WRITE_AFTER_MS = 500;

/**
 * The rooms' last activity (`lastMessageAt`, which orders the room list), written after the
 * sender's acknowledgement rather than before it: a send waits for its message's insert only.
 * Activity gathers for `WRITE_AFTER_MS` and goes out in one `bulkWrite` (one `$max` per room,
 * so it never moves back), however many messages the rooms had meanwhile. A failed write is
 * tried again with the next; what is pending is written before the app stops. If the process
 * dies in between, a room's place in the list lags behind its last message until the next one.
 */
@Injectable()
export class RoomActivity implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RoomActivity.name);
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(@InjectModel(Room.name) private readonly rooms: Model<Room>) {}

  /** The room had a message at `at`. */
  touched(roomId: Types.ObjectId, at: Date): void {
    const id = roomId.toHexString();
    const known = this.pending.get(id);
    if (!known || known < at) this.pending.set(id, at);
    if (!this.stopped) this.timer ??= setTimeout(() => void this.write(), WRITE_AFTER_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.write();
  }

  /** MongoDB closes now: a message stored while the server closed leaves its room's time behind. */
  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Writes what is pending, after any write in progress. */
  write(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    try {
      await this.rooms.bulkWrite(
        [...batch].map(([id, at]) => ({
          updateOne: {
            filter: { _id: new Types.ObjectId(id) },
            update: { $max: { lastMessageAt: at } },
          },
        })),
        { ordered: false },
      );
    } catch (error) {
      this.logger.warn({ msg: 'rooms last activity not written yet', error: errorMessage(error) });
      for (const [id, at] of batch) this.touched(new Types.ObjectId(id), at);
    }
  }
}
