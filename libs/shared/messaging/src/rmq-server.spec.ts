import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RmqServer } from './rmq-server.js';

type SendToQueue = (queue: string, content: Buffer, options: object) => Promise<boolean>;

/** A server whose channel is `sendToQueue`, as after `listen()`. */
function serverWith(sendToQueue: SendToQueue): RmqServer {
  const server = new RmqServer({ urls: ['amqp://127.0.0.1'], queue: 'test.rpc' });
  Object.assign(server, { channel: { sendToQueue } });
  return server;
}

const reply = { id: 'r1', response: { greeting: 'hello' }, isDisposed: true };

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
});
