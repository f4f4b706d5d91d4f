import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Channel, ConsumeMessage } from 'amqplib';
import { RmqServer } from './rmq-server.js';

type SendToQueue = (queue: string, content: Buffer, options: object) => Promise<boolean>;

/** A server whose channel is `sendToQueue`, as after `listen()`. */
function serverWith(sendToQueue: SendToQueue, answersRequests = false): RmqServer {
  const server = new RmqServer({ urls: ['amqp://127.0.0.1'], queue: 'test.rpc' }, answersRequests);
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

/** A message as the broker delivers it: a body, and where to reply if it is a request. */
function delivery(body: string, replyTo?: string, headers?: object): ConsumeMessage {
  return {
    content: Buffer.from(body),
    fields: { redelivered: false },
    properties: { ...(replyTo ? { replyTo, correlationId: 'c-9' } : {}), headers },
  } as unknown as ConsumeMessage;
}

describe('RmqServer, given messages no handler can take', () => {
  const greet = vi.fn(async (data: unknown) => ({ greeting: `hello ${String(data)}` }));

  /** A server with one handler, `test.greet`, whose replies and acknowledgements are recorded. */
  function greeter(options: { noAck?: boolean; answersRequests?: boolean } = {}) {
    const sendToQueue = vi.fn<SendToQueue>().mockResolvedValue(true);
    const server = serverWith(sendToQueue, options.answersRequests);
    Object.assign(server, { noAck: options.noAck ?? true });
    server.addHandler('test.greet', greet, false);
    const channel = { ack: vi.fn(), nack: vi.fn() };
    const handle = (message: ConsumeMessage) =>
      server.handleMessage(message, channel as unknown as Channel);
    /** The replies sent, as the caller reads them. */
    const replies = () => sendToQueue.mock.calls.map(([, content]) => JSON.parse(String(content)));
    return { handle, channel, sendToQueue, replies };
  }

  it.each([
    ['a body that is not JSON', 'pattern=test.greet', { body: ['is not JSON'] }],
    ['a body that is not an object', '"test.greet"', { body: ['must be an object'] }],
    ['a request without a pattern', '{"data":"ada","id":"1"}', { pattern: ["can't be blank"] }],
    ['a pattern that is not text', '{"pattern":{"cmd":1},"id":"1"}', { pattern: ['must be text'] }],
    [
      'a pattern nobody here handles',
      '{"pattern":"test.nothing","data":"ada","id":"1"}',
      { pattern: ['is not handled here'] },
    ],
  ])('answers %s with 400 naming the fault, as a handler would', async (_case, body, errors) => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handle, sendToQueue, replies } = greeter();
    greet.mockClear();

    await handle(delivery(body, 'amq.rabbitmq.reply-to.x'));

    expect(greet).not.toHaveBeenCalled();
    expect(replies()).toEqual([{ err: { status: 400, errors }, isDisposed: true }]);
    expect(sendToQueue.mock.calls[0]?.[0]).toBe('amq.rabbitmq.reply-to.x');
    expect(sendToQueue.mock.calls[0]?.[2]).toEqual({ correlationId: 'c-9' });
    expect(warn).toHaveBeenCalledOnce();
    expect(JSON.stringify(warn.mock.calls)).not.toContain('ada');
  });

  it('still hands a well-formed request to its handler and sends its reply', async () => {
    const { handle, replies } = greeter();
    await handle(delivery('{"pattern":"test.greet","data":"ada","id":"1"}', 'reply-queue'));
    await vi.waitFor(() => expect(replies()).toHaveLength(1));
    expect(replies()[0]).toMatchObject({ response: { greeting: 'hello ada' } });
  });

  it('acknowledges and logs an event nobody here handles, and answers nothing', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handle, channel, sendToQueue } = greeter({ noAck: false });
    const rejections = await unhandledRejectionsOf(() =>
      handle(delivery('{"pattern":"user.deleted","data":{"email":"ada@example.com"}}')),
    );
    expect(rejections).toEqual([]);
    expect(channel.ack).toHaveBeenCalledOnce();
    expect(channel.nack).not.toHaveBeenCalled();
    expect(sendToQueue).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({
        msg: 'unroutable message refused',
        pattern: 'user.deleted',
        problems: { pattern: ['is not handled here'] },
      }),
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain('ada@example.com');
  });

  it('acknowledges a request once its reply is on its way, not while it is worked on', async () => {
    let finish: (reply: { greeting: string }) => void = () => undefined;
    greet.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    const { handle, channel, replies } = greeter({ noAck: false, answersRequests: true });
    const request = delivery('{"pattern":"test.greet","data":"ada","id":"1"}', 'reply-queue');

    const handled = handle(request);
    await vi.waitFor(() => expect(greet).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(channel.ack).not.toHaveBeenCalled();

    finish({ greeting: 'hello ada' });
    await handled;
    await vi.waitFor(() => expect(channel.ack).toHaveBeenCalledExactlyOnceWith(request));
    expect(replies()).toHaveLength(1);
  });

  it('acknowledges, unanswered and unhandled, a message without an id on a request queue', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handle, channel, sendToQueue } = greeter({ noAck: false, answersRequests: true });
    greet.mockClear();
    await handle(delivery('{"pattern":"test.greet","data":"ada"}'));
    expect(greet).not.toHaveBeenCalled();
    expect(channel.ack).toHaveBeenCalledOnce();
    expect(sendToQueue).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ pattern: 'test.greet', problems: { id: ["can't be blank"] } }),
    );
  });

  it('drops, unrun and unanswered, a request delivered after its caller stopped waiting', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handle, channel, sendToQueue } = greeter({ noAck: false, answersRequests: true });
    greet.mockClear();
    const deadline = String(Date.now() - 1_500);
    await handle(
      delivery('{"pattern":"test.greet","data":"ada","id":"1"}', 'reply-queue', {
        'x-deadline': deadline,
      }),
    );
    expect(greet).not.toHaveBeenCalled();
    expect(sendToQueue).not.toHaveBeenCalled();
    expect(channel.ack).toHaveBeenCalledOnce();
    expect(warn).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({
        msg: 'request past its deadline dropped',
        pattern: 'test.greet',
        lateByMs: expect.toSatisfy((late: number) => late >= 1_500 && late < 5_000),
      }),
    );
  });

  it.each([
    ['a request', '{"pattern":"test.greet","data":"ada","id":"1"}', 'reply-queue', 5_000],
    [
      'a request past its deadline',
      '{"pattern":"test.greet","data":"ada","id":"1"}',
      'reply-queue',
      -1_500,
    ],
    ['an event', '{"pattern":"test.greet","data":"ada"}', undefined, 5_000],
  ])('parses the body of %s once', async (_case, body, replyTo, deadlineInMs) => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handle } = greeter({ noAck: false });
    greet.mockClear();
    const parse = vi.spyOn(JSON, 'parse');
    const deadline = String(Date.now() + deadlineInMs);

    await handle(delivery(body, replyTo, { 'x-deadline': deadline }));

    await vi.waitFor(() => expect(greet).toHaveBeenCalledTimes(deadlineInMs > 0 ? 1 : 0));
    expect(parse.mock.calls.filter(([text]) => text === body)).toHaveLength(1);
  });

  it('runs a request delivered before its deadline', async () => {
    const { handle, channel, replies } = greeter({ noAck: false, answersRequests: true });
    const deadline = String(Date.now() + 5_000);
    await handle(
      delivery('{"pattern":"test.greet","data":"ada","id":"1"}', 'reply-queue', {
        'x-deadline': deadline,
      }),
    );
    await vi.waitFor(() => expect(replies()).toHaveLength(1));
    expect(replies()[0]).toMatchObject({ response: { greeting: 'hello ada' } });
    expect(channel.ack).toHaveBeenCalledOnce();
  });
});
