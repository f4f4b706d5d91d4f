import { Injectable, Module, type INestApplication } from '@nestjs/common';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import {
  AuthEvents,
  BLOG_EVENTS_QUEUE,
  deadLetterQueueOf,
  type EventEnvelope,
  type UserProfileData,
} from '@capstone/contracts';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import { EventController, OnEvent } from '@capstone/messaging';
import { createTestVhost, TestEventsExchange, waitFor, type TestVhost } from '@capstone/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startService, type ServiceConfig } from '../../src/index.js';

export const QUEUE = BLOG_EVENTS_QUEUE;
export const DEAD = deadLetterQueueOf(QUEUE);
export const MAX_ATTEMPTS = 3;
export const RETRY_DELAY_MS = 400;
export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A `user.updated` event's data for `username`, with `extra` fields over the valid ones. */
export const user = (username: string, extra: object = {}) => ({
  userId: '0b7c1ad6-3c1f-4bd4-9d75-0a0a7f1b5e2a',
  email: 'ada@example.com',
  username,
  bio: null,
  image: null,
  version: 2,
  ...extra,
});

/** What the handler does with a user: fail, hang, or (by default) apply the change. */
type Fault = 'throw' | 'hang';

/** The usernames applied, when each was tried, and which cannot be applied for now. */
@Injectable()
export class Profiles {
  readonly applied: string[] = [];
  readonly attempts = new Map<string, number[]>();
  readonly faults = new Map<string, Fault>();

  attemptsAt(username: string): number[] {
    return this.attempts.get(username) ?? [];
  }
}

/** Consumes `blog.events` as the blog does, with a handler that fails or hangs on demand. */
@EventController()
class ProfileEventsController {
  constructor(private readonly profiles: Profiles) {}

  @OnEvent(AuthEvents.userRegistered, AuthEvents.userUpdated)
  async userChanged({ data }: EventEnvelope<UserProfileData>): Promise<void> {
    const { username } = data;
    this.profiles.attempts.set(username, [...this.profiles.attemptsAt(username), Date.now()]);
    const fault = this.profiles.faults.get(username);
    if (fault === 'throw') throw new Error(`cannot apply ${username}`);
    if (fault === 'hang') return new Promise<void>(() => undefined);
    this.profiles.applied.push(username);
  }
}

@Module({
  controllers: [ProfileEventsController],
  providers: [Profiles, healthIndicators({ useFactory: () => [] })],
  exports: [HEALTH_INDICATORS],
})
class ProfilesModule {}

interface ProbeConfig extends ServiceConfig {
  readonly EVENT_MAX_ATTEMPTS: number;
  readonly EVENT_RETRY_DELAY_MS: number;
  readonly EVENT_HANDLER_TIMEOUT_MS: number;
}

/** A service consuming `blog.events` on a vhost of its own, and a test's hands on its broker. */
export interface ProfileEventsService {
  readonly profiles: Profiles;
  readonly exchange: TestEventsExchange;
  /** A confirm channel of the test's own on the vhost. */
  readonly channel: ConfirmChannel;
  /** Publishes `user.updated` for `username`, with a trace context. */
  publish(username: string, eventId: string): void;
  /** The next message of the dead-letter queue, once there is one; it stays in the queue. */
  nextDeadLetter(): Promise<GetMessage>;
  /** How many messages wait in `queue`. */
  waiting(queue: string): Promise<number>;
}

/** What a running service holds, set as each part starts, so that what started is closed. */
interface Started {
  vhost: TestVhost;
  connection: ChannelModel;
  channel: ConfirmChannel;
  exchange: TestEventsExchange;
  app: INestApplication;
}

/**
 * The service of the enclosing describe block, started on the vhost `label` before its tests
 * (reaching RabbitMQ at `amqpUrl(vhostUrl)`, the vhost's own URL unless a test puts something
 * between them) and closed after them; its dead-letter queue is emptied after each test. The
 * handle can be kept at once; it reaches the service only when the tests run.
 */
export function useProfileEventsService(
  label: string,
  { amqpUrl = (url: string) => url }: { readonly amqpUrl?: (vhostUrl: string) => string } = {},
): ProfileEventsService {
  const started: Partial<Started> = {};
  beforeAll(async () => {
    const vhost = (started.vhost = await createTestVhost(label));
    started.connection = await amqp.connect(vhost.url);
    started.channel = await started.connection.createConfirmChannel();
    started.exchange = await TestEventsExchange.connect(vhost.url);
    const config: ProbeConfig = {
      PORT: 0,
      LOG_LEVEL: 'error',
      AMQP_URL: amqpUrl(vhost.url),
      EVENT_MAX_ATTEMPTS: MAX_ATTEMPTS,
      EVENT_RETRY_DELAY_MS: RETRY_DELAY_MS,
      EVENT_HANDLER_TIMEOUT_MS: 500,
    };
    started.app = await startService({
      name: 'probe',
      module: ProfilesModule,
      config,
      configToken: 'CONFIG',
      eventsQueue: QUEUE,
    });
  });
  afterEach(async () => {
    await started.channel?.purgeQueue(DEAD);
  });
  afterAll(async () => {
    await started.app?.close();
    await started.exchange?.close();
    await started.connection?.close();
    await started.vhost?.drop();
  });

  const running = <K extends keyof Started>(part: K): Started[K] => {
    const value = started[part];
    if (value === undefined) throw new Error(`the ${label} service is used outside its tests`);
    return value;
  };
  const channel = () => running('channel');
  return {
    get profiles() {
      return running('app').get(Profiles);
    },
    get exchange() {
      return running('exchange');
    },
    get channel() {
      return channel();
    },
    publish: (username, eventId) =>
      running('exchange').publish(AuthEvents.userUpdated.name, user(username), eventId, {
        traceparent: TRACEPARENT,
      }),
    nextDeadLetter: async () => {
      const message = await waitFor(async () => (await channel().get(DEAD)) || undefined, {
        what: `a message in ${DEAD}`,
        timeoutMs: 15_000,
      });
      channel().nack(message, false, true);
      return message;
    },
    waiting: async (queue) => (await channel().checkQueue(queue)).messageCount,
  };
}
