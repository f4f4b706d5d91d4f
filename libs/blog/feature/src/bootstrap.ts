import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { BLOG_EVENTS_QUEUE, BLOG_QUEUE } from '@capstone/contracts';
import { JsonLogger } from '@capstone/logging';
import { eventConsumer, rpcServerOptions } from '@capstone/messaging';
import type { BlogConfig } from './blog.config.js';
import { BlogServiceModule } from './blog-service.module.js';

/**
 * Starts the blog service: requests arrive on its RPC queue, other services' events on its events
 * queue; the HTTP listener answers health probes only. Used by `apps/blog` and by tests alike.
 */
export async function startBlogService(config: BlogConfig): Promise<INestApplication> {
  const app = await NestFactory.create(BlogServiceModule.forRoot(config), {
    abortOnError: false,
    logger: new JsonLogger('blog', config.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  app.connectMicroservice(rpcServerOptions(config.AMQP_URL, BLOG_QUEUE));
  app.connectMicroservice(eventConsumer(config.AMQP_URL, BLOG_EVENTS_QUEUE));
  await app.startAllMicroservices();
  await app.listen(config.PORT, '0.0.0.0');
  return app;
}
