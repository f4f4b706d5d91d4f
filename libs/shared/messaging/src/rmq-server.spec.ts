import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from 'amqplib';
import { RmqServer } from './rmq-server.js';

type SendToQueue = (queue: string, content: Buffer, options: object) => Promise<boolean>;

/** A server whose channel is `sendToQueue`, as after `listen()`. */
function serverWith(sendToQueue: SendToQueue): RmqServer {
  const server = new RmqServer({ urls: ['amqp://127.0.0.1'], queue: 'test.rpc' });
  Object.assign(server, { channel: { sendToQueue } });
  return server;
}

const reply = { id: 'r1', response: { greeting: 'hello' }, isDisposed: true };

/** A channel that answers every setup step at once and `basic.consume` with `consumeOk`. */
class FakeChannel {
  constructor(private readonly consumeOk: () => Promise<unknown>) {}
  async assertQueue(queue: string) {
    return { queue };
  }
  async prefetch() {
    return undefined;
  }
  consume() {
    return this.consumeOk();
  }
}

function channelAnswering(consumeOk: () => Promise<unknown>): Channel {
  return new FakeChannel(consumeOk) as unknown as Channel;
}

/** Runs `work` and collects the unhandled rejections it leaves behind. */
async function unhandledRejectionsOf(work: () => Promise<void>): Promise<unknown[]> {
  const rejections: unknown[] = [];
  const collect = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', collect);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    process.off('unhandledRejection', collect);
  }
  return rejections;
}

afterEach(() => vi.restoreAllMocks());

describe('RmqServer', () => {
  it('sends a reply to the reply queue, with the request’s correlation id', () => {
    const sendToQueue = vi.fn<SendToQueue>().mockResolvedValue(true);
    serverWith(sendToQueue).sendMessage(reply, 'amq.rabbitmq.reply-to.x', 'c-1');

    expect(sendToQueue).toHaveBeenCalledOnce();
    const [queue, content, options] = sendToQueue.mock.calls[0] ?? [];
    expect(queue).toBe('amq.rabbitmq.reply-to.x');
    expect(JSON.parse(String(content))).toEqual(reply);
    expect(options).toEqual({ correlationId: 'c-1' });
  });

  it('logs a reply the closing channel could not send, instead of leaving its rejection unhandled', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      serverWith(() => Promise.reject(new Error('Channel closed'))).sendMessage(
        reply,
        'amq.rabbitmq.reply-to.x',
        'c-2',
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('reply c-2 not sent (Channel closed)'),
    );
  });

  it('reports listening only once the broker has confirmed the consumer', async () => {
    let confirm: (ok: unknown) => void = () => undefined;
    const channel = channelAnswering(() => new Promise((resolve) => (confirm = resolve)));
    const listening = vi.fn();
    const setup = new RmqServer({ queue: 'test.rpc' }).setupChannel(channel, listening);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(listening).not.toHaveBeenCalled();

    confirm({ consumerTag: 'ctag' });
    await setup;
    expect(listening).toHaveBeenCalledOnce();
    expect(Object.hasOwn(channel, 'consume')).toBe(false);
  });

  it('logs a consumer the closing channel could not start, instead of leaving its rejection unhandled', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const channel = channelAnswering(() =>
      Promise.reject(new Error('Channel ended, no reply will be forthcoming')),
    );
    const listening = vi.fn();
    const rejections = await unhandledRejectionsOf(() =>
      new RmqServer({ queue: 'test.rpc' }).setupChannel(channel, listening),
    );
    expect(rejections).toEqual([]);
    expect(listening).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      'not consuming test.rpc yet: Channel ended, no reply will be forthcoming',
    );
  });
});
