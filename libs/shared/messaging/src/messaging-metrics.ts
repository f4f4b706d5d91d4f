import { metrics, type Attributes } from '@opentelemetry/api';
import { ServiceError } from '@capstone/errors';
import { BrokerUnavailableError } from './broker-unavailable.error.js';

/**
 * The broker's metrics, named after OpenTelemetry's RPC and messaging semantic conventions. The
 * meter is taken when this module loads, after `telemetry.js` has installed the SDK; without it
 * (tests, `OTEL_SDK_DISABLED`) every instrument is a no-op.
 */
const meter = metrics.getMeter('@capstone/messaging');

/** Seconds; from a Redis-fast reply to the gateway's 3 s RPC timeout and past it. */
const durationBuckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const rpcClientDuration = meter.createHistogram('rpc.client.call.duration', {
  unit: 's',
  description: 'Requests sent over RabbitMQ, from sending to the reply, by pattern and status',
  advice: { explicitBucketBoundaries: durationBuckets },
});

const rpcServerDuration = meter.createHistogram('rpc.server.call.duration', {
  unit: 's',
  description: 'Requests handled from a service queue, by pattern and status',
  advice: { explicitBucketBoundaries: durationBuckets },
});

const consumedMessages = meter.createCounter('messaging.client.consumed.messages', {
  unit: '{message}',
  description: 'Events taken from a queue, by event and error (none when handled)',
});

const processDuration = meter.createHistogram('messaging.process.duration', {
  unit: 's',
  description: 'Time an event handler took, by event and error',
  advice: { explicitBucketBoundaries: durationBuckets },
});

const failedEvents = {
  retry: meter.createCounter('messaging.client.retried.messages', {
    unit: '{message}',
    description: 'Failed events put in their retry queue for another attempt, by event and error',
  }),
  dead: meter.createCounter('messaging.client.dead_lettered.messages', {
    unit: '{message}',
    description: 'Events moved to their dead-letter queue (all attempts failed, or malformed)',
  }),
};

/** Counts an event sent for another attempt (`retry`) or to the dead-letter queue (`dead`). */
export function recordFailedEvent(outcome: 'retry' | 'dead', event: string, errorType: string) {
  failedEvents[outcome].add(1, {
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': event,
    'error.type': errorType,
  });
}

/**
 * The status an RPC ended with, as the gateway maps it to HTTP: 200, the service's own refusal
 * (404, 422…), 504 for a timeout, 503 when the broker or service could not be reached, 500 else.
 */
function statusOf(error: unknown): number {
  if (error === undefined) return 200;
  if (error instanceof ServiceError) return error.status;
  if (error instanceof BrokerUnavailableError) return error.reason === 'timeout' ? 504 : 503;
  return 500;
}

function rpcAttributes(pattern: string, error: unknown): Attributes {
  const status = statusOf(error);
  return {
    'rpc.system.name': 'rabbitmq',
    'rpc.method': pattern,
    'rpc.response.status_code': String(status),
    ...(status >= 500 ? { 'error.type': String(status) } : {}),
  };
}

/** Measures one RPC from the side named: its duration and how it ended, thrown or returned. */
export async function measureRpc<T>(
  side: 'client' | 'server',
  pattern: string,
  call: () => Promise<T>,
): Promise<T> {
  const histogram = side === 'client' ? rpcClientDuration : rpcServerDuration;
  const started = performance.now();
  try {
    const result = await call();
    histogram.record((performance.now() - started) / 1000, rpcAttributes(pattern, undefined));
    return result;
  } catch (error) {
    histogram.record((performance.now() - started) / 1000, rpcAttributes(pattern, error));
    throw error;
  }
}

export interface ConsumedEvent {
  readonly event: string;
  /** Whether it was delivered before: a retry, or its consumer died before acknowledging it. */
  readonly redelivered: boolean;
  readonly seconds: number;
  /** Why handling failed: `malformed`, or the error's class; none when handled. */
  readonly errorType?: string;
}

/** Counts an event taken from a queue, and how long its handler ran. */
export function recordConsumedEvent(consumed: ConsumedEvent): void {
  const attributes: Attributes = {
    'messaging.system': 'rabbitmq',
    'messaging.operation.name': 'process',
    'messaging.destination.name': consumed.event,
    'messaging.rabbitmq.redelivered': consumed.redelivered,
    ...(consumed.errorType ? { 'error.type': consumed.errorType } : {}),
  };
  consumedMessages.add(1, attributes);
  processDuration.record(consumed.seconds, attributes);
}

const expiredRequests = meter.createCounter('rpc.server.expired.requests', {
  unit: '{request}',
  description: 'Requests dropped unrun because their caller had stopped waiting, by pattern',
});

/** Counts a request dropped past its deadline (`x-deadline`), which its caller answered 504. */
export function recordExpiredRequest(pattern: string): void {
  expiredRequests.add(1, {
    'rpc.system.name': 'rabbitmq',
    'rpc.method': pattern,
  });
}
