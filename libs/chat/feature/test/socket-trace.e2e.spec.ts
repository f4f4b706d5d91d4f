import { randomBytes, randomUUID } from 'node:crypto';
import { ChatSocket, MessageBroadcast, type ChatMessageView } from '@capstone/contracts';
import { startTelemetry, stopTelemetry } from '@capstone/telemetry';
import { expectError, expectOk, OtlpReceiver, publicRoom } from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nextEvent } from './support/chat-client.js';
import { portOf, useChatStack } from './support/chat-stack.js';

/** OTLP's span kind of a consumer. */
const CONSUMER = 5;

/** A client's own trace: a new trace id and the id of the client's span that sends. */
function clientTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The trace and span ids a W3C traceparent names. */
function idsOf(traceparent: string | undefined) {
  const [, traceId, spanId] = traceparent?.split('-') ?? [];
  return { traceId, spanId };
}

/**
 * W3C trace context across Socket.IO, with two chat instances exporting their spans over OTLP to
 * a receiver started here: a client names its trace in a message's `traceparent`, the handling
 * joins that trace, and the broadcast of the stored message carries it to the room, through the
 * Redis adapter to the other instance's clients too.
 */
describe('trace context on socket messages', () => {
  let receiver: OtlpReceiver;
  let ports: [number, number];

  // Before the stack's own hooks: the instances start with telemetry on.
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    for (const [name, value] of Object.entries(receiver.environment)) vi.stubEnv(name, value);
    startTelemetry({ serviceName: 'chat' });
  });

  const stack = useChatStack('trace');

  beforeAll(async () => {
    ports = [portOf(await stack.start()), portOf(await stack.start())];
  });

  afterAll(async () => {
    await stopTelemetry();
    await receiver?.close();
    vi.unstubAllEnvs();
  });

  /** Ada on the first instance and Bob on the second, both in a new public room. */
  async function roomAcrossInstances() {
    const [ada, bob] = [await stack.client(ports[0]), await stack.client(ports[1])];
    const room = await publicRoom(ada, `traced-${randomUUID().slice(0, 8)}`);
    for (const socket of [ada, bob]) {
      await expectOk(socket, ChatSocket.joinRoom, { roomId: room.id });
    }
    return { ada, bob, roomId: room.id };
  }

  it('handles a message in the trace its traceparent names, and broadcasts it in that trace to the other instance', async () => {
    const { ada, bob, roomId } = await roomAcrossInstances();
    const trace = clientTrace();

    const arriving = nextEvent(bob, ChatSocket.messageCreated);
    const sent = await expectOk<ChatMessageView>(ada, ChatSocket.sendMessage, {
      roomId,
      text: 'traced hello',
      clientMessageId: randomUUID(),
      traceparent: trace.traceparent,
    });
    const received = MessageBroadcast.parse(await arriving);

    expect(received).toMatchObject(sent);
    const carried = idsOf(received.traceparent);
    expect(carried.traceId).toBe(trace.traceId);
    const handling = await receiver.waitFor('the span of the send', (spans) =>
      spans.find((span) => span.traceId === trace.traceId && span.name === 'process message:send'),
    );
    expect(handling).toMatchObject({
      service: 'chat',
      kind: CONSUMER,
      parentSpanId: trace.spanId,
      attributes: {
        'messaging.system': 'socket.io',
        'messaging.socket.io.event_name': 'message:send',
      },
    });
    // Made after the handler awaited Redis and MongoDB: it still ran in the span of the handling,
    // which the broadcast names, so a receiver can hang its own work below it.
    expect(carried.spanId).toBe(handling.spanId);
  });

  it('gives a message without a traceparent a trace of its own, which its broadcast carries', async () => {
    const { ada, bob, roomId } = await roomAcrossInstances();
    const arriving = nextEvent(bob, ChatSocket.messageCreated);
    await expectOk(ada, ChatSocket.sendMessage, {
      roomId,
      text: 'untraced hello',
      clientMessageId: randomUUID(),
    });
    const { traceId } = idsOf(MessageBroadcast.parse(await arriving).traceparent);

    const handling = await receiver.waitFor('the span of the send', () =>
      receiver.trace(traceId ?? '').find((span) => span.name === 'process message:send'),
    );
    expect(handling.parentSpanId).toBeUndefined();
  });

  it('refuses a traceparent that is not W3C trace context, naming the field', async () => {
    const { ada, roomId } = await roomAcrossInstances();
    expect(
      await expectError(ada, ChatSocket.typing, { roomId, typing: true, traceparent: 'abc' }),
    ).toBe('traceparent: must be a W3C traceparent (00-<trace id>-<span id>-<flags>)');
  });
});
