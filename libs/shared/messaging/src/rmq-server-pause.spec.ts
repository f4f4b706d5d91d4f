import { describe, expect, it, vi } from 'vitest';
import type { Channel } from 'amqplib';
import { RmqServer } from './rmq-server.js';

/** A channel that answers every setup step at once, and records its consumers. */
class RecordingChannel {
  private consumers = 0;
  readonly active = new Set<string>();
  readonly cancelled: string[] = [];

  async assertQueue(queue: string) {
    return { queue };
  }
  async prefetch() {
    return undefined;
  }
  async consume() {
    const consumerTag = `ctag-${++this.consumers}`;
    this.active.add(consumerTag);
    return { consumerTag };
  }
  async cancel(consumerTag: string) {
    this.active.delete(consumerTag);
    this.cancelled.push(consumerTag);
    return { consumerTag };
  }
}

/** A server and a way to set it up on a new channel, as amqp-connection-manager does on (re)connect. */
function pausableServer() {
  const server = new RmqServer({ queue: 'test.rpc' }, true);
  const setUp = async () => {
    const channel = new RecordingChannel();
    const listening = vi.fn();
    await server.setupChannel(channel as unknown as Channel, listening);
    return { channel, listening };
  };
  return { server, setUp };
}

describe('RmqServer, paused and resumed', () => {
  it('cancels its consumer when paused and consumes again when resumed', async () => {
    const { server, setUp } = pausableServer();
    const { channel, listening } = await setUp();
    expect(listening).toHaveBeenCalledOnce();
    expect([...channel.active]).toEqual(['ctag-1']);

    await server.pause();
    expect(channel.active.size).toBe(0);
    expect(channel.cancelled).toEqual(['ctag-1']);

    await server.resume();
    expect([...channel.active]).toEqual(['ctag-2']);
  });

  it('is not consuming on the channel set up after a reconnection while paused, until resumed', async () => {
    const { server, setUp } = pausableServer();
    await setUp();
    await server.pause();

    const { channel, listening } = await setUp();
    expect(channel.active.size).toBe(0);
    expect(listening).toHaveBeenCalledOnce();

    await server.resume();
    expect([...channel.active]).toEqual(['ctag-1']);
  });

  it('ends in the state last asked for when pauses and resumes overlap', async () => {
    const { server, setUp } = pausableServer();
    const { channel } = await setUp();
    await Promise.all([server.pause(), server.resume(), server.pause()]);
    expect(channel.active.size).toBe(0);
    await Promise.all([server.resume(), server.pause(), server.resume()]);
    expect(channel.active.size).toBe(1);
  });

  it('paused before its first channel, sets it up without consuming', async () => {
    const { server, setUp } = pausableServer();
    await server.pause();
    const { channel, listening } = await setUp();
    expect(channel.active.size).toBe(0);
    expect(listening).toHaveBeenCalledOnce();
  });
});
