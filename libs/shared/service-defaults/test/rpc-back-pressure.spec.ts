import { Module, type INestApplication } from '@nestjs/common';
import { defineRpc, field, strictObject } from '@capstone/contracts';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import { Rpc, RpcController } from '@capstone/messaging';
import { createTestVhost, RawRpc, waitFor, type TestVhost } from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startService, type ServiceConfig } from '../src/index.js';

const Work = defineRpc(
  'probe.work',
  strictObject({ n: field.count(0, 1000) }),
  z.object({ n: z.number() }),
);

/** Requests wait until the test opens the gate, as slow work would. */
const gate = { open: () => undefined as void, opened: Promise.resolve() };
function closeGate(): void {
  gate.opened = new Promise((resolve) => (gate.open = () => resolve()));
}

@RpcController()
class SlowController {
  @Rpc(Work)
  async work(request: { n: number }): Promise<{ n: number }> {
    await gate.opened;
    return { n: request.n };
  }
}

@Module({
  controllers: [SlowController],
  providers: [healthIndicators({ useFactory: () => [] })],
  exports: [HEALTH_INDICATORS],
})
class SlowModule {}

describe('a service answering requests from its queue', () => {
  const queue = 'probe.rpc';
  const prefetch = 20;
  let vhost: TestVhost;
  let app: INestApplication;
  let rpc: RawRpc;

  beforeAll(async () => {
    vhost = await createTestVhost('back-pressure');
    const config: ServiceConfig = { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: vhost.url };
    app = await startService({
      name: 'probe',
      module: SlowModule,
      config,
      configToken: 'CONFIG',
      rpcQueue: queue,
    });
    rpc = await RawRpc.connect(vhost.url);
  });

  afterAll(async () => {
    gate.open();
    await rpc?.close();
    await app?.close();
    await vhost?.drop();
  });

  it('takes no more requests than its prefetch while it works, leaves the rest queued, then answers all', async () => {
    closeGate();
    const replies = Array.from({ length: 50 }, (_, n) =>
      rpc.request(queue, Work.pattern, { n }, 30_000),
    );

    const inHand = await waitFor(
      async () => {
        const counts = await vhost.messagesOf(queue);
        return counts.unacknowledged + counts.ready === 50 ? counts : undefined;
      },
      { timeoutMs: 15_000, what: 'the management API to count the 50 requests' },
    );
    expect(inHand).toEqual({ unacknowledged: prefetch, ready: 50 - prefetch });

    gate.open();
    const answered = await Promise.all(replies);
    expect(answered.map((reply) => reply.response)).toEqual(
      Array.from({ length: 50 }, (_, n) => ({ n })),
    );
  });
});
