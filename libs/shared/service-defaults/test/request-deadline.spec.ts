import { Module, type INestApplication } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { defineRpc, field, strictObject } from '@capstone/contracts';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import {
  BrokerClient,
  BrokerUnavailableError,
  Rpc,
  RpcController,
  rpcClientOptions,
} from '@capstone/messaging';
import { createTestVhost, waitFor, type TestVhost } from '@capstone/testing';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startService } from '../src/index.js';

const Work = defineRpc(
  'probe.work',
  strictObject({ n: field.count(0, 1000) }),
  z.object({ n: z.number() }),
);

/** The requests the handler ran, in order; requests wait until the test opens the gate. */
const ran: number[] = [];
const gate = { open: () => undefined as void, opened: Promise.resolve() };
function closeGate(): void {
  gate.opened = new Promise((resolve) => (gate.open = () => resolve()));
}

@RpcController()
class WorkController {
  @Rpc(Work)
  async work(request: { n: number }): Promise<{ n: number }> {
    ran.push(request.n);
    await gate.opened;
    return { n: request.n };
  }
}

@Module({
  controllers: [WorkController],
  providers: [healthIndicators({ useFactory: () => [] })],
  exports: [HEALTH_INDICATORS],
})
class WorkModule {}

const queue = 'probe.rpc';

describe('a request whose caller stopped waiting', () => {
  let vhost: TestVhost;
  let app: INestApplication | undefined;
  const clients: BrokerClient[] = [];

  /** A caller that gives up after `timeoutMs`, as the gateway does after BROKER_TIMEOUT_MS. */
  const caller = (timeoutMs: number) => {
    const proxy = ClientProxyFactory.create(rpcClientOptions(vhost.url, queue));
    const client = new BrokerClient('probe', proxy, timeoutMs);
    clients.push(client);
    return client;
  };

  const startWorker = async () => {
    app = await startService({
      name: 'probe',
      module: WorkModule,
      config: { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: vhost.url },
      configToken: 'CONFIG',
      rpcQueue: queue,
    });
  };

  beforeAll(async () => {
    vhost = await createTestVhost('deadlines');
  });

  afterEach(async () => {
    gate.open();
    ran.length = 0;
    for (const client of clients.splice(0)) await client.onApplicationShutdown();
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await vhost?.drop();
  });

  it('is never run by a worker that starts after the timeout; a request in time still is', async () => {
    const impatient = caller(300);
    await impatient.ensureConnected();
    const timedOut = await impatient.send(Work, { n: 1 }).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(BrokerUnavailableError);
    expect((timedOut as BrokerUnavailableError).reason).toBe('timeout');

    await startWorker();
    expect(await caller(5_000).send(Work, { n: 2 })).toEqual({ n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran).toEqual([2]);
  });

  it('is never run by a busy worker once it is free; the requests it was working on are answered', async () => {
    await startWorker();
    closeGate();
    const patient = caller(10_000);
    const inHand = Array.from({ length: 20 }, (_, n) => patient.send(Work, { n }));
    await waitFor(() => (ran.length === 20 ? true : undefined), { what: 'a full prefetch' });
    // Waits in the queue, behind a request with a later deadline.
    const queuedFirst = patient.send(Work, { n: 100 });
    const timedOut = await caller(300)
      .send(Work, { n: 200 })
      .catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(BrokerUnavailableError);

    gate.open();
    expect(await Promise.all(inHand)).toHaveLength(20);
    expect(await queuedFirst).toEqual({ n: 100 });
    expect(await caller(5_000).send(Work, { n: 300 })).toEqual({ n: 300 });
    expect(ran).not.toContain(200);
  });

  it('is dropped by the worker when it carries only its deadline, and acknowledged', async () => {
    await startWorker();
    const connection = await amqp.connect(vhost.url);
    try {
      const channel = await connection.createChannel();
      const replies: unknown[] = [];
      await channel.consume('amq.rabbitmq.reply-to', (reply) => replies.push(reply), {
        noAck: true,
      });
      const body = JSON.stringify({ pattern: Work.pattern, data: { n: 400 }, id: 'late-1' });
      channel.sendToQueue(queue, Buffer.from(body), {
        replyTo: 'amq.rabbitmq.reply-to',
        correlationId: 'late-1',
        headers: { 'x-deadline': String(Date.now() - 1_000) },
      });
      // The channel's next round trip comes after the broker has taken the request.
      await channel.checkQueue(queue);
      expect(await caller(5_000).send(Work, { n: 401 })).toEqual({ n: 401 });
      expect(ran).toEqual([401]);
      expect(replies).toEqual([]);
      expect(await channel.checkQueue(queue)).toMatchObject({ messageCount: 0 });
    } finally {
      await connection.close();
    }
  });
});
