import type { EventEnvelope, UserProfileData } from '@capstone/contracts';
import { TestEventsExchange, waitFor } from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startStack, type Stack } from './support/stack.js';

describe('user events published by the auth service', () => {
  let stack: Stack;
  let exchange: TestEventsExchange;
  let received: EventEnvelope<UserProfileData>[];

  beforeAll(async () => {
    stack = await startStack('events');
    exchange = await TestEventsExchange.connect(stack.vhost.url);
    received = await exchange.record('user.*');
  });

  afterAll(async () => {
    await exchange?.close();
    await stack?.stop();
  });

  const eventsOf = (username: string) =>
    received.filter((event) => event.data.username.startsWith(username));

  it('announces a sign-up as user.registered with the public profile, never the password', async () => {
    const account = await signUp(stack.api);
    const [event] = await waitFor(() =>
      eventsOf(account.username).length ? eventsOf(account.username) : undefined,
    );
    expect(event).toMatchObject({
      name: 'user.registered',
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      data: {
        email: account.email,
        username: account.username,
        bio: null,
        image: null,
        version: 1,
      },
    });
    expect(JSON.stringify(event)).not.toContain(account.password);
  });

  it('announces each profile change as user.updated with the next version, and a no-op not at all', async () => {
    const account = await signUp(stack.api);
    await stack.api.request('PUT', '/api/user', {
      token: account.token,
      body: { user: { bio: 'first' } },
    });
    await stack.api.request('PUT', '/api/user', {
      token: account.token,
      body: { user: { bio: 'first' } },
    });
    await stack.api.request('PUT', '/api/user', {
      token: account.token,
      body: { user: { image: 'https://example.com/a.png' } },
    });

    const events = await waitFor(() =>
      eventsOf(account.username).length >= 3 ? eventsOf(account.username) : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(eventsOf(account.username).map((event) => [event.name, event.data.version])).toEqual([
      ['user.registered', 1],
      ['user.updated', 2],
      ['user.updated', 3],
    ]);
    expect(events[2]?.data).toMatchObject({ bio: 'first', image: 'https://example.com/a.png' });
  });
});
