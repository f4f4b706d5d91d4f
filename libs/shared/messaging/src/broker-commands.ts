import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import { brokerTopology, deadLetterQueueOf, retryQueueOf } from '@capstone/contracts';
import { retryUntil, type DeployStep } from '@capstone/deploy-steps';
import { errorMessage, reasonOf } from '@capstone/errors';
import { createLogger, type LogLevel } from '@capstone/logging';
import { declareBrokerTopology, exchangeIsDeclared, queueIsDeclared } from './broker-topology.js';
import { replayDeadLetters } from './dead-letters.js';

/** What a broker one-shot reads: the broker, as a user allowed to declare queues, and its log level. */
export interface BrokerAdminConfig {
  readonly AMQP_URL: string;
  readonly LOG_LEVEL: LogLevel;
}

/** How long a one-shot waits for RabbitMQ, which may still be starting beside it. */
const BROKER_WAIT_MS = 60_000;
const RETRY_EVERY_MS = 2_000;

/** `amqp://capstone-admin@rabbitmq:5672/` for a URL: where and as whom, without the password. */
function describeBroker(url: string): string {
  const { protocol, username, host, pathname } = new URL(url);
  return `${protocol}//${username ? `${username}@` : ''}${host}${pathname}`;
}

/** A refused login or a missing vhost will not mend by waiting. */
const isFinal = (error: unknown) => /ACCESS_REFUSED|NOT_ALLOWED/.test(errorMessage(error));

/** Such a failure, naming the broker (without the password). */
const refusedBy = (url: string, error: unknown) =>
  new Error(`${describeBroker(url)}: ${errorMessage(error)}`, { cause: error });

async function connectWithin(url: string, logger: Logger): Promise<ChannelModel> {
  try {
    return await retryUntil(() => amqp.connect(url), {
      timedOut: `${describeBroker(url)} did not answer`,
      timeoutMs: BROKER_WAIT_MS,
      retryEveryMs: RETRY_EVERY_MS,
      isTransient: (error) => !isFinal(error),
      onRetry: (error) =>
        logger.warn(
          { broker: describeBroker(url), reason: reasonOf(error) },
          'waiting for RabbitMQ',
        ),
    });
  } catch (error) {
    throw isFinal(error) ? refusedBy(url, error) : error;
  }
}

/**
 * Runs a one-shot's work on a connection to the broker of `AMQP_URL`; a failure (its
 * configuration's too) is logged and ends the process with status 1, so that a deployment stops
 * there.
 */
async function runOnBroker(
  name: string,
  loadConfig: () => BrokerAdminConfig,
  work: (connection: ChannelModel, logger: Logger) => Promise<void>,
): Promise<void> {
  let logger = createLogger(name);
  try {
    const config = loadConfig();
    logger = createLogger(name, config.LOG_LEVEL);
    const connection = await connectWithin(config.AMQP_URL, logger);
    // A channel the broker closes (a queue not found) rejects the call that failed, which is
    // reported below; amqplib emits the same error on the connection, where it must not crash.
    connection.on('error', () => undefined);
    try {
      await work(connection, logger);
    } finally {
      // Already closed if the broker closed it; the failure that matters is the work's.
      await connection.close().catch(() => undefined);
    }
  } catch (error) {
    logger.error(errorMessage(error));
    process.exit(1);
  }
}

/**
 * `broker-topology`: the deploy step that declares the broker topology of the contracts before
 * the services start (a compose one-shot, a Kubernetes Job), so that no event is published to an
 * exchange with no queue bound. Idempotent: every deployment runs it.
 */
export function declareTopologyCommand(loadConfig: () => BrokerAdminConfig): Promise<void> {
  return runOnBroker('broker-topology', loadConfig, async (connection, logger) => {
    await declareBrokerTopology(await connection.createChannel());
    logger.info(
      {
        exchange: brokerTopology.exchange,
        queues: brokerTopology.eventsQueues.map(({ queue, events }) => ({
          queue,
          events: events.map((event) => event.name),
        })),
        requestQueues: brokerTopology.requestQueues,
      },
      'broker topology declared',
    );
  });
}

/** `dlq-replay <queue>`: puts the events of `<queue>.dead` back in `<queue>` (`replayDeadLetters`). */
export function replayDeadLettersCommand(
  args: readonly string[],
  loadConfig: () => BrokerAdminConfig,
): Promise<void> {
  const queues = brokerTopology.eventsQueues.map((entry) => entry.queue);
  const [queue = ''] = args;
  // Checked before the broker is reached, so that a typo is told at once.
  const checkedConfig = () => {
    if (!queues.includes(queue)) {
      throw new Error(`usage: dlq-replay <queue>, one of ${queues.join(', ')} (got "${queue}")`);
    }
    return loadConfig();
  };
  return runOnBroker('dlq-replay', checkedConfig, async (connection, logger) => {
    const replayed = await replayDeadLetters(await connection.createConfirmChannel(), queue);
    logger.info(
      { queue, from: deadLetterQueueOf(queue), replayed },
      `replayed ${replayed} event(s) from ${deadLetterQueueOf(queue)} to ${queue}`,
    );
  });
}

/** The topology's exchange and every queue it names, each events queue's retry and dead queues included. */
function topologyQueues(): string[] {
  return [
    ...brokerTopology.requestQueues,
    ...brokerTopology.eventsQueues.flatMap(({ queue }) => [
      queue,
      retryQueueOf(queue),
      deadLetterQueueOf(queue),
    ]),
  ];
}

/**
 * The broker topology as a deploy step the apps' pods wait for (`runDeployGate`): pending while
 * RabbitMQ does not answer, or lacks the exchange or a queue of the contracts. Passive checks,
 * which need no permission, so each app's own user may make them.
 */
export function brokerTopologyDeclared(url: string): DeployStep {
  return {
    pending: async () => {
      let connection: ChannelModel;
      try {
        connection = await amqp.connect(url);
      } catch (error) {
        if (isFinal(error)) throw refusedBy(url, error);
        return [`${describeBroker(url)} does not answer: ${reasonOf(error)}`];
      }
      connection.on('error', () => undefined);
      try {
        const missing = (await exchangeIsDeclared(connection, brokerTopology.exchange))
          ? []
          : [`exchange ${brokerTopology.exchange}`];
        for (const queue of topologyQueues()) {
          if (!(await queueIsDeclared(connection, queue))) missing.push(`queue ${queue}`);
        }
        return missing;
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
  };
}
