import { randomUUID } from 'node:crypto';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@capstone/contracts';
import { TestBrokerChannel } from './broker-channel.js';

/**
 * The services' events exchange on a test virtual host, seen from outside the services: events
 * published to it as an outbox relay publishes them, and the events the services publish, recorded.
 */
export class TestEventsExchange {
  private constructor(private readonly broker: TestBrokerChannel) {}

  static async connect(amqpUrl: string): Promise<TestEventsExchange> {
    const broker = await TestBrokerChannel.open(amqpUrl);
    await broker.channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    return new TestEventsExchange(broker);
  }

  /**
   * Publishes an event the way the services' outbox relays do: the event id as message id, and
   * `headers` (a trace context, say) as the amqplib instrumentation adds them.
   */
  publish(
    name: string,
    data: unknown,
    eventId: string = randomUUID(),
    headers: Record<string, string> = {},
  ): void {
    const envelope = { eventId, name, occurredAt: new Date().toISOString(), data };
    this.broker.channel.publish(
      EVENTS_EXCHANGE,
      name,
      Buffer.from(JSON.stringify({ pattern: name, data: envelope })),
      { persistent: true, contentType: 'application/json', messageId: eventId, headers },
    );
  }

  /** Every event whose name matches `pattern` (`article.*`) from now on, listed as it arrives. */
  async record<T>(pattern: string): Promise<EventEnvelope<T>[]> {
    const received: EventEnvelope<T>[] = [];
    const { queue } = await this.broker.channel.assertQueue('', { exclusive: true });
    await this.broker.channel.bindQueue(queue, EVENTS_EXCHANGE, pattern);
    await this.broker.channel.consume(
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
    return (await this.broker.channel.checkQueue(queue)).messageCount;
  }

  close(): Promise<void> {
    return this.broker.close();
  }
}
