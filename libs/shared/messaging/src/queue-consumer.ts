import type { Channel } from 'amqplib';
import { errorMessage } from '@capstone/errors';

/** How long a consumer the broker cancelled waits to consume again, or to look again for its queue. */
const CONSUME_AGAIN_AFTER_MS = 1_000;

export type ConsumeArguments = Parameters<Channel['consume']>;

/** The consumer as the last channel set up asked for it, and its tag while it runs. */
interface ChannelConsumer {
  readonly channel: Channel;
  readonly consume: ConsumeArguments;
  tag?: string;
}

/**
 * A server's one consumer of its queue, which can be paused (`basic.cancel`) and resumed
 * (`basic.consume` again on the same channel). Messages already delivered stay on the channel, to
 * be finished and acknowledged; the ones waiting go to the queue's other consumers. Being paused
 * outlives the channel: when amqp-connection-manager sets up a new one after a reconnect, a paused
 * consumer is not started. Changes are made one at a time, in the order asked for.
 */
export class QueueConsumer {
  private current: ChannelConsumer | undefined;
  private paused = false;
  private changes: Promise<void> = Promise.resolve();

  /** Takes over a new channel's consumer, and starts it unless paused. Throws if the broker refuses. */
  start(channel: Channel, consume: ConsumeArguments): Promise<void> {
    return this.change(() => {
      this.current = { channel, consume };
    });
  }

  /** Stops taking messages. Throws if the channel could not cancel (it is closing: so is the consumer). */
  pause(): Promise<void> {
    return this.change(() => {
      this.paused = true;
    });
  }

  /** Takes messages again. Throws if the channel could not consume (a new one will, once set up). */
  resume(): Promise<void> {
    return this.change(() => {
      this.paused = false;
    });
  }

  /**
   * After the broker cancelled the consumer on `channel` (its queue was deleted), consumes again,
   * unless paused, once `queueIsBack` finds the queue declared again (by the topology, never here:
   * consuming a missing queue closes the channel). A channel since replaced is left alone.
   */
  consumeAgainLater(
    channel: Channel,
    queueIsBack: () => Promise<boolean>,
    notYet: (why: string) => void,
  ): void {
    const consumeAgain = async () => {
      if (this.current?.channel !== channel) return;
      if (!(await queueIsBack())) {
        notYet('the queue is gone');
        return this.consumeAgainLater(channel, queueIsBack, notYet);
      }
      await this.change(() => {
        if (this.current?.channel === channel) this.current.tag = undefined;
      }).catch((error: unknown) => notYet(errorMessage(error)));
    };
    setTimeout(() => void consumeAgain(), CONSUME_AGAIN_AFTER_MS).unref();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private change(decide: () => void): Promise<void> {
    const applied = this.changes.then(() => {
      decide();
      return this.apply();
    });
    this.changes = applied.catch(() => undefined);
    return applied;
  }

  private async apply(): Promise<void> {
    const consumer = this.current;
    if (!consumer) return;
    if (this.paused && consumer.tag !== undefined) {
      const tag = consumer.tag;
      consumer.tag = undefined;
      await consumer.channel.cancel(tag);
    } else if (!this.paused && consumer.tag === undefined) {
      const { consumerTag } = await consumer.channel.consume(...consumer.consume);
      consumer.tag = consumerTag;
    }
  }
}
