import { Logger } from '@nestjs/common';
import { AuthEvents, retryQueueOf } from '@capstone/contracts';
import { declareBrokerTopology, declareFailureQueues } from '@capstone/messaging';
import { waitFor } from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HoldingProxy } from './support/holding-proxy.js';
import { QUEUE, useProfileEventsService, user } from './support/profile-events.js';

describe('a service consuming events, whose retry queue or events queue is deleted', () => {
  const service = useProfileEventsService('event-queues-deleted');

  it('keeps a failing event whose <queue>.retry is gone, logging the queue, until the queue is back', async () => {
    const { channel, profiles } = service;
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await channel.deleteQueue(retryQueueOf(QUEUE));
    try {
      profiles.faults.set('orphan', 'throw');
      service.publish('orphan', 'event-orphan');

      // RabbitMQ returned the copy: the original was not acknowledged, and comes back.
      await waitFor(() => profiles.attemptsAt('orphan').length >= 2 || undefined, {
        what: 'the event delivered again',
      });
      expect(error.mock.calls.map(([entry]) => entry)).toContainEqual(
        expect.objectContaining({
          msg: `a failed event could not be moved to ${retryQueueOf(QUEUE)}`,
          messageId: 'event-orphan',
        }),
      );
      profiles.faults.delete('orphan');
      await waitFor(() => profiles.applied.includes('orphan') || undefined, {
        what: 'the event applied',
      });
    } finally {
      await declareFailureQueues(channel, QUEUE);
      error.mockRestore();
    }
  });

  it('consumes its queue again once it is deleted and declared again, the broker having cancelled the consumer', async () => {
    await service.channel.deleteQueue(QUEUE);
    // Declared again a little later, as the deploy-time topology would.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await declareBrokerTopology(service.channel);
    service.publish('back', 'event-back');

    await waitFor(() => service.profiles.applied.includes('back') || undefined, {
      what: 'the event applied',
      timeoutMs: 10_000,
    });
  });
});

describe('a service whose copies RabbitMQ does not confirm, as while it blocks publishers', () => {
  let proxy: HoldingProxy;
  beforeAll(async () => {
    proxy = await HoldingProxy.start();
  });
  afterAll(() => proxy?.close());
  const service = useProfileEventsService('event-confirm-timeout', {
    amqpUrl: (url) => url.replace(':5672/', `:${proxy.port}/`),
  });

  it('gives the original back to the queue when the copy is not confirmed in time, logging why', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { profiles } = service;
    profiles.faults.set('blocked', 'throw');
    // Held once the event is in hand: the copy leaves, its confirm does not come back.
    const attempted = vi.spyOn(profiles.attempts, 'set').mockImplementationOnce((...args) => {
      proxy.hold();
      return Map.prototype.set.apply(profiles.attempts, args);
    });
    try {
      service.exchange.publish(AuthEvents.userUpdated.name, user('blocked'), 'event-blocked');
      const line = await waitFor(
        () =>
          warn.mock.calls
            .map(([entry]) => entry as { msg?: string; error?: string })
            .find(
              (entry) =>
                entry.msg === `a failed event could not be moved to ${retryQueueOf(QUEUE)}`,
            ),
        { what: 'the log line', timeoutMs: 5_000 },
      );
      expect(line).toMatchObject({
        messageId: 'event-blocked',
        error: expect.stringContaining('did not confirm'),
      });
    } finally {
      proxy.release();
      attempted.mockRestore();
      warn.mockRestore();
    }
    profiles.faults.delete('blocked');
    await waitFor(() => profiles.applied.includes('blocked') || undefined, {
      what: 'the event applied',
      timeoutMs: 10_000,
    });
  });
});
