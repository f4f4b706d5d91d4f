import { Logger, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { AuthEvents, type EventData, type EventEnvelope } from '@capstone/contracts';
import { defer, lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventAckInterceptor } from './event-ack.interceptor.js';
import { OnEvent } from './event-handler.js';

type UserUpdated = EventEnvelope<EventData<typeof AuthEvents.userUpdated>>;

class Profiles {
  readonly applied: UserUpdated[] = [];

  @OnEvent(AuthEvents.userUpdated)
  async updated(event: UserUpdated): Promise<void> {
    this.applied.push(event);
  }
}

/**
 * Delivers `payload` to the handler as the events consumer does: through the acknowledging
 * interceptor, on a channel that records how the message was settled.
 */
async function deliver(payload: unknown, pattern = AuthEvents.userUpdated.name) {
  const profiles = new Profiles();
  const channel = { ack: vi.fn(), nack: vi.fn() };
  const message = { fields: { redelivered: false }, properties: { messageId: 'message-7' } };
  const rmq = new RmqContext([message, channel, pattern]);
  const context = {
    switchToRpc: () => ({ getContext: () => rmq, getData: () => payload }),
  } as unknown as ExecutionContext;
  // Called as Nest calls it, with whatever arrived on the queue.
  const handler = profiles.updated as (raw: unknown) => Promise<void>;
  const next: CallHandler = { handle: () => defer(() => handler.call(profiles, payload)) };
  await lastValueFrom(new EventAckInterceptor().intercept(context, next), {
    defaultValue: undefined,
  });
  // A failed event goes back to the queue after a delay: let any such timer fire.
  await vi.runAllTimersAsync();
  return { profiles, channel, message };
}

const user = {
  userId: '0b7c1ad6-3c1f-4bd4-9d75-0a0a7f1b5e2a',
  email: 'ada@example.com',
  username: 'ada',
  bio: 'Counts things',
  image: null,
  version: 2,
};
const envelope = (data: unknown, name: string = AuthEvents.userUpdated.name) => ({
  eventId: 'event-1',
  name,
  occurredAt: '2025-01-01T00:00:00.000Z',
  data,
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('@OnEvent behind the EventAckInterceptor', () => {
  it('hands a well-formed event to its handler and acknowledges it once applied', async () => {
    vi.useFakeTimers();
    const { profiles, channel, message } = await deliver(envelope(user));
    expect(profiles.applied).toEqual([envelope(user)]);
    expect(channel.ack).toHaveBeenCalledExactlyOnceWith(message);
    expect(channel.nack).not.toHaveBeenCalled();
  });

  it('logs a malformed event once, with its pattern and the fields at fault but none of its data, and acknowledges it instead of requeueing it', async () => {
    vi.useFakeTimers();
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const malformed = { ...user, userId: 'not-a-user', username: '', bio: 42 };

    const { profiles, channel, message } = await deliver(envelope(malformed));

    expect(profiles.applied).toEqual([]);
    expect(channel.ack).toHaveBeenCalledExactlyOnceWith(message);
    expect(channel.nack).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledOnce();
    const [line] = error.mock.calls[0] ?? [];
    expect(line).toMatchObject({
      msg: 'malformed event dropped',
      pattern: 'user.updated',
      messageId: 'message-7',
    });
    expect(Object.keys((line as { problems: object }).problems).sort()).toEqual([
      'bio',
      'userId',
      'username',
    ]);
    const logged = JSON.stringify(error.mock.calls);
    for (const value of ['ada@example.com', 'not-a-user', 'Counts things', 'event-1']) {
      expect(logged).not.toContain(value);
    }
  });

  it('drops an envelope that names an event the handler does not consume, the same way', async () => {
    vi.useFakeTimers();
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { profiles, channel } = await deliver(envelope(user, 'user.deleted'));
    expect(profiles.applied).toEqual([]);
    expect(channel.ack).toHaveBeenCalledOnce();
    expect(channel.nack).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ problems: { name: ['is not handled here'] } }),
    );
  });
});
