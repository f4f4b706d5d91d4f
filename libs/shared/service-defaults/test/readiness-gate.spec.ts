import { Module, type INestApplication } from '@nestjs/common';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import { createTestVhost, TcpProxy, waitFor, type TestVhost } from '@capstone/testing';
import amqp from 'amqplib';
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../src/index.js';

/** The probe's one critical dependency, which the test takes down and brings back. */
const dependency = { up: true };

@Module({
  providers: [
    healthIndicators({
      useFactory: () => [
        {
          name: 'database',
          critical: true,
          check: async () => {
            if (!dependency.up) throw new Error('database refused the connection');
          },
        },
      ],
    }),
  ],
  exports: [HEALTH_INDICATORS],
})
class ProbeModule {}

const queue = 'probe.rpc';

describe('a service whose critical dependency is down', () => {
  let vhost: TestVhost;
  let broker: TcpProxy;
  let app: INestApplication;

  /** How many consumers take messages from the queue, as the RabbitMQ UI shows them. */
  const consumers = async () => {
    const connection = await amqp.connect(vhost.url);
    try {
      return (await (await connection.createChannel()).checkQueue(queue)).consumerCount;
    } finally {
      await connection.close();
    }
  };
  const consumersBecome = (count: number, what: string) =>
    waitFor(async () => ((await consumers()) === count ? true : undefined), { what });

  beforeAll(async () => {
    vhost = await createTestVhost('readiness-gate');
    const { hostname, port } = new URL(vhost.url);
    broker = await TcpProxy.start({ host: hostname, port: Number(port || 5672) });
    app = await startService({
      name: 'probe',
      module: ProbeModule,
      config: { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: broker.rewrite(vhost.url) },
      configToken: 'CONFIG',
      rpcQueue: queue,
    });
  });

  afterAll(async () => {
    dependency.up = true;
    await app?.close();
    await broker?.restore();
    await vhost?.drop();
  });

  it('stops consuming, stays so when the broker connection comes back, and resumes with the dependency', async () => {
    expect(await consumers()).toBe(1);
    dependency.up = false;
    await consumersBecome(0, 'the consumer to be cancelled');

    const [server] = app.getMicroservices();
    if (!server) throw new Error('the probe has no broker server');
    const status = (state: string) =>
      firstValueFrom(server.status.pipe(filter((current) => current === state)));
    const reconnected = status('disconnected').then(() => status('connected'));
    await broker.cut();
    await broker.restore();
    await reconnected;
    // The new channel is set up just after the connection: long enough to have consumed on it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await consumers()).toBe(0);

    dependency.up = true;
    await consumersBecome(1, 'the consumer to be back');
  });
});
