import { randomUUID } from 'node:crypto';
import { TestBrokerChannel } from './broker-channel.js';

/** What a Nest RPC server puts in its reply: the response, or the error it answered with. */
export interface RawReply {
  readonly response?: unknown;
  readonly err?: { readonly status?: number; readonly errors?: Record<string, string[]> };
}

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

/**
 * Puts requests straight on a service's queue, as any program with broker access could: no typed
 * client, no gateway validation in front. Tests use it to send what the contracts forbid.
 */
export class RawRpc {
  private readonly pending = new Map<string, (reply: RawReply) => void>();

  private constructor(private readonly broker: TestBrokerChannel) {}

  static async connect(amqpUrl: string): Promise<RawRpc> {
    const broker = await TestBrokerChannel.open(amqpUrl);
    const client = new RawRpc(broker);
    await broker.channel.consume(
      REPLY_QUEUE,
      (message) => {
        const id = message?.properties.correlationId as string | undefined;
        const settle = id === undefined ? undefined : client.pending.get(id);
        if (message && id !== undefined && settle) {
          client.pending.delete(id);
          settle(JSON.parse(message.content.toString()) as RawReply);
        }
      },
      { noAck: true },
    );
    return client;
  }

  /** Sends `data` under `pattern` to `queue` and waits for the reply. */
  request(queue: string, pattern: string, data: unknown, timeoutMs = 10_000): Promise<RawReply> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${pattern} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.broker.channel.sendToQueue(queue, Buffer.from(JSON.stringify({ pattern, data, id })), {
        replyTo: REPLY_QUEUE,
        correlationId: id,
        contentType: 'application/json',
      });
    });
  }

  close(): Promise<void> {
    return this.broker.close();
  }
}
