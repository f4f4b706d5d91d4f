import { AuthEvents, type EventData, type EventEnvelope } from '@capstone/contracts';
import { describe, expect, it } from 'vitest';
import { OnEvent } from './event-handler.js';
import { MalformedEventError } from './malformed-event.error.js';

type UserUpdated = EventEnvelope<EventData<typeof AuthEvents.userUpdated>>;

class Profiles {
  readonly applied: UserUpdated[] = [];

  @OnEvent(AuthEvents.userUpdated)
  async updated(event: UserUpdated): Promise<void> {
    this.applied.push(event);
  }
}

/** Calls the handler as Nest does, with whatever arrived on the queue. */
async function deliver(payload: unknown) {
  const profiles = new Profiles();
  const handler = profiles.updated as (raw: unknown) => Promise<void>;
  const failure: unknown = await handler.call(profiles, payload).catch((error: unknown) => error);
  return { profiles, failure };
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

describe('@OnEvent', () => {
  it('hands a well-formed event to its handler', async () => {
    const { profiles, failure } = await deliver(envelope(user));
    expect(failure).toBeUndefined();
    expect(profiles.applied).toEqual([envelope(user)]);
  });

  it('refuses a malformed event before the handler runs, naming the fields at fault but holding none of its data', async () => {
    const malformed = { ...user, userId: 'not-a-user', username: '', bio: 42 };
    const { profiles, failure } = await deliver(envelope(malformed));
    expect(profiles.applied).toEqual([]);
    expect(failure).toBeInstanceOf(MalformedEventError);
    const { problems } = failure as MalformedEventError;
    expect(Object.keys(problems).sort()).toEqual(['bio', 'userId', 'username']);
    const held = JSON.stringify({ problems, message: (failure as Error).message });
    for (const value of ['ada@example.com', 'not-a-user', 'Counts things', 'event-1']) {
      expect(held).not.toContain(value);
    }
  });

  it('refuses an envelope that names an event the handler does not consume, the same way', async () => {
    const { profiles, failure } = await deliver(envelope(user, 'user.deleted'));
    expect(profiles.applied).toEqual([]);
    expect(failure).toMatchObject({ problems: { name: ['is not handled here'] } });
  });
});
