import { Logger } from '@nestjs/common';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { AuthEvents, retryQueueOf } from '@capstone/contracts';
import { replayDeadLetters } from '@capstone/messaging';
import { waitFor } from '@capstone/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  DEAD,
  MAX_ATTEMPTS,
  QUEUE,
  RETRY_DELAY_MS,
  TRACEPARENT,
  useProfileEventsService,
  user,
} from './support/profile-events.js';

// The messaging library takes its meter when it loads, as in a service, where telemetry starts
// first: the reader is installed before the imports above are evaluated.
const reader = await vi.hoisted(async () => {
  const { metrics } = await import('@opentelemetry/api');
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  class TestMetricReader extends MetricReader {
    protected onForceFlush = () => Promise.resolve();
    protected onShutdown = () => Promise.resolve();
  }
  const testReader = new TestMetricReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [testReader] }));
  return testReader;
});

/** What the counter `name` counted for `user.updated` events with the error type given. */
async function counted(name: string, errorType: string): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as DataPoint<number>[])
    .filter(
      ({ attributes }) =>
        attributes['messaging.destination.name'] === AuthEvents.userUpdated.name &&
        attributes['error.type'] === errorType,
    )
    .reduce((sum, point) => sum + point.value, 0);
}

describe('a service consuming events, with retries and a dead-letter queue on real RabbitMQ', () => {
  const service = useProfileEventsService('event-retries');

  it('retries a failing event a bounded number of times, apart by the delay, then keeps it in <queue>.dead with its headers and the error, while the other events are applied', async () => {
    const { profiles, publish, nextDeadLetter, waiting } = service;
    profiles.faults.set('poison', 'throw');
    publish('poison', 'event-poison');
    publish('fine', 'event-fine');

    const dead = await nextDeadLetter();
    const tried = profiles.attemptsAt('poison');
    expect(tried).toHaveLength(MAX_ATTEMPTS);
    for (let attempt = 1; attempt < tried.length; attempt += 1) {
      expect((tried[attempt] ?? 0) - (tried[attempt - 1] ?? 0)).toBeGreaterThanOrEqual(
        RETRY_DELAY_MS - 50,
      );
    }
    // The consumer was free while the poison waited for its next attempt.
    expect(profiles.applied).toContain('fine');
    expect(profiles.attemptsAt('fine')[0]).toBeLessThan(tried[1] ?? 0);

    expect(dead.properties.messageId).toBe('event-poison');
    expect(dead.properties.headers).toMatchObject({
      traceparent: TRACEPARENT,
      'capstone-attempts': MAX_ATTEMPTS,
      'capstone-error': 'Error: cannot apply poison',
    });
    expect(JSON.parse(dead.content.toString()).data.data).toEqual(user('poison'));
    expect(await waiting(QUEUE)).toBe(0);
    expect(await waiting(retryQueueOf(QUEUE))).toBe(0);
    expect(await waiting(DEAD)).toBe(1);
    expect(await counted('messaging.client.retried.messages', 'Error')).toBe(MAX_ATTEMPTS - 1);
    expect(await counted('messaging.client.dead_lettered.messages', 'Error')).toBe(1);
  });

  it('replays a dead-lettered event into its queue, where it is applied once its cause is fixed', async () => {
    const { profiles, publish, nextDeadLetter, waiting, channel } = service;
    profiles.faults.set('late', 'throw');
    publish('late', 'event-late');
    await nextDeadLetter();

    profiles.faults.delete('late');
    expect(await replayDeadLetters(channel, QUEUE)).toBe(1);

    await waitFor(() => profiles.applied.includes('late') || undefined, { what: 'the replay' });
    expect(profiles.attemptsAt('late')).toHaveLength(MAX_ATTEMPTS + 1);
    expect(await waiting(DEAD)).toBe(0);
    expect(await replayDeadLetters(channel, QUEUE)).toBe(0);
  });

  it('gives up a handler that hangs after the timeout and treats it as failed, the consumer going on meanwhile', async () => {
    const { profiles, publish, nextDeadLetter } = service;
    profiles.faults.set('stuck', 'hang');
    publish('stuck', 'event-stuck');
    publish('fine-too', 'event-fine-too');

    const dead = await nextDeadLetter();
    expect(profiles.attemptsAt('stuck')).toHaveLength(MAX_ATTEMPTS);
    expect(profiles.applied).toContain('fine-too');
    expect(dead.properties.headers).toMatchObject({
      'capstone-attempts': MAX_ATTEMPTS,
      'capstone-error': 'HandlerTimeoutError: the handler did not finish within 500 ms',
    });
    expect(await counted('messaging.client.dead_lettered.messages', 'HandlerTimeoutError')).toBe(1);
  });

  it('sends a malformed event to <queue>.dead at once, logged with the fields at fault and none of its data', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    service.exchange.publish(
      AuthEvents.userUpdated.name,
      user('', { version: 'two' }),
      'event-malformed',
    );

    const dead = await service.nextDeadLetter();
    expect(dead.properties.headers).toMatchObject({
      'capstone-attempts': 1,
      'capstone-error': "MalformedEventError: the event's schema refuses username, version",
    });
    const line = await waitFor(
      () =>
        error.mock.calls
          .map(([entry]) => entry as { msg?: string })
          .find((entry) => entry.msg === 'malformed event dead-lettered'),
      { what: 'the log line' },
    );
    expect(line).toMatchObject({
      pattern: AuthEvents.userUpdated.name,
      messageId: 'event-malformed',
    });
    expect(JSON.stringify(error.mock.calls)).not.toContain('ada@example.com');
    expect(await counted('messaging.client.dead_lettered.messages', 'malformed')).toBe(1);
  });
});
