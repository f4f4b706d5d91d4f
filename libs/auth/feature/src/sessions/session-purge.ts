import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { errorMessage } from '@capstone/errors';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config.js';

/**
 * Deletes up to `$2` sessions that ended (were revoked, or else expired) more than `$1` days ago.
 * The subquery reads `sessions_ended_idx`; rows a refresh has locked are left to the next run.
 */
export const PURGE_ENDED_SESSIONS_SQL = `
  DELETE FROM sessions WHERE id IN (
    SELECT id FROM sessions
     WHERE least(revoked_at, expires_at) < now() - $1 * interval '1 day'
     LIMIT $2
     FOR UPDATE SKIP LOCKED)`;

const PURGE_BATCH = 1_000;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes the sessions that ended more than `SESSION_RETENTION_DAYS` ago, once an hour, in every
 * replica (a delete that finds nothing costs one index probe). A live session is never deleted,
 * so refresh-token rotation, its grace and reuse detection, which all act on live sessions, are
 * untouched; a refresh token of a deleted session is refused exactly as one of a revoked session.
 * The first run comes an hour after start-up, and the timer never keeps the process alive.
 */
@Injectable()
export class SessionPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionPurge.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runLogged(), PURGE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes every session past the retention, a batch at a time; answers how many. */
  async purge(): Promise<number> {
    let total = 0;
    let deleted: number;
    do {
      const [, count] = await this.dataSource.query<[unknown[], number]>(PURGE_ENDED_SESSIONS_SQL, [
        this.config.SESSION_RETENTION_DAYS,
        PURGE_BATCH,
      ]);
      deleted = count;
      total += deleted;
    } while (deleted === PURGE_BATCH);
    return total;
  }

  private async runLogged(): Promise<void> {
    try {
      const deleted = await this.purge();
      if (deleted > 0) this.logger.log({ msg: 'deleted sessions past their retention', deleted });
    } catch (error) {
      // The database is away: the next run deletes what this one could not.
      this.logger.warn(`sessions past their retention are kept for now: ${errorMessage(error)}`);
    }
  }
}
