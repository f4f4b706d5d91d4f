import amqp, { type Channel, type ChannelModel } from 'amqplib';

/** A connection of the test's own to RabbitMQ and the one channel it works on. */
export class TestBrokerChannel {
  private constructor(
    private readonly connection: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(amqpUrl: string): Promise<TestBrokerChannel> {
    const connection = await amqp.connect(amqpUrl);
    return new TestBrokerChannel(connection, await connection.createChannel());
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
