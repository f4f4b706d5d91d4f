import { Module } from '@nestjs/common';
import { AuthEvents, BLOG_EVENTS_QUEUE } from '@capstone/contracts';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import { EventController, OnEvent } from '@capstone/messaging';
import { createTestVhost, type TestVhost } from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceConfig } from '../src/index.js';

describe('a service whose event handlers the broker topology does not bind', () => {
  let vhost: TestVhost;

  beforeAll(async () => {
    vhost = await createTestVhost('event-drift');
  });

  afterAll(async () => {
    await vhost?.drop();
  });

  @EventController()
  class RegistrationsController {
    @OnEvent(AuthEvents.userRegistered)
    async registered(): Promise<void> {
      // Never called: the service does not start.
    }
  }

  @Module({
    controllers: [RegistrationsController],
    providers: [healthIndicators({ useFactory: () => [] })],
    exports: [HEALTH_INDICATORS],
  })
  class RegistrationsModule {}

  it('refuses to start, naming what it handles and what the topology binds', async () => {
    const config: ServiceConfig = { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: vhost.url };
    await expect(
      startService({
        name: 'probe',
        module: RegistrationsModule,
        config,
        configToken: 'CONFIG',
        eventsQueue: BLOG_EVENTS_QUEUE,
      }),
    ).rejects.toThrow(
      'blog.events handles user.registered but the broker topology binds user.registered, user.updated',
    );
  });
});
