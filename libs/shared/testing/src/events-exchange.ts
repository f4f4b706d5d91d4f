import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@capstone/contracts';

/**
 * The services' events exchange on a test virtual host, seen from outside the services: events
 * published to it as an outbox relay publishes them, and the events the services publish, recorded.
 */
export class TestEventsExchange {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async connect(amqpUrl: string): Promise<TestEventsExchange> {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    return new TestEventsExchange(connection, channel);
  }

  /** Publishes an event the way the services' outbox relays do. */
  publish(name: string, data: unknown, eventId: string = randomUUID()): void {
    const envelope = { eventId, name, occurredAt: new Date().toISOString(), data };
    this.channel.publish(
      EVENTS_EXCHANGE,
      name,
      Buffer.from(JSON.stringify({ pattern: name, data: envelope })),
      { persistent: true, contentType: 'application/json' },
    );
  }

  /** Every event whose name matches `pattern` (`article.*`) from now on, listed as it arrives. */
  async record<T>(pattern: string): Promise<EventEnvelope<T>[]> {
    const received: EventEnvelope<T>[] = [];
    const { queue } = await this.channel.assertQueue('', { exclusive: true });
    await this.channel.bindQueue(queue, EVENTS_EXCHANGE, pattern);
    await this.channel.consume(
      queue,
      (message) => {
        if (message) received.push(JSON.parse(message.content.toString()).data);
      },
      { noAck: true },
    );
    return received;
  }

  /** How many messages wait in a service's queue, not yet taken by its consumer. */
  async waiting(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
