import type { ConfirmChannel } from 'amqplib';
import { deadLetterQueueOf } from '@capstone/contracts';
import { carriedHeaders, FailureHeaders, publishCopy } from './failed-events.js';

/**
 * Puts the events waiting in `<queue>.dead` back in `queue`, oldest first, for once the cause of
 * their failure is fixed: each keeps its headers (message id, trace context) and starts its
 * attempts anew. An event leaves the dead-letter queue only once RabbitMQ has confirmed it in
 * `queue`. Only the events there at the start are replayed, so that one failing again at once (a
 * malformed event) is not replayed twice. Returns how many were replayed.
 */
export async function replayDeadLetters(channel: ConfirmChannel, queue: string): Promise<number> {
  const deadLetters = deadLetterQueueOf(queue);
  // Both must exist: a copy sent to a queue that does not is dropped by the default exchange.
  await channel.checkQueue(queue);
  const { messageCount } = await channel.checkQueue(deadLetters);
  let replayed = 0;
  while (replayed < messageCount) {
    const message = await channel.get(deadLetters, { noAck: false });
    if (message === false) break;
    const headers = carriedHeaders(message, {
      [FailureHeaders.attempts]: undefined,
      [FailureHeaders.error]: undefined,
    });
    await publishCopy(channel, queue, message, headers);
    channel.ack(message);
    replayed += 1;
  }
  return replayed;
}
