import type { INestApplication } from '@nestjs/common';
import { BLOG_EVENTS_QUEUE, BLOG_QUEUE } from '@capstone/contracts';
import { startService, type ServiceDefinition } from '@capstone/service-defaults';
import { BLOG_CONFIG, type BlogConfig } from './blog.config.js';
import { BlogServiceModule } from './blog-service.module.js';

/**
 * The blog service: requests on `blog.rpc`, other services' events on `blog.events`; its HTTP
 * listener serves the health probes only.
 */
export function blogService(config: BlogConfig): ServiceDefinition<BlogConfig> {
  return {
    name: 'blog',
    module: BlogServiceModule,
    config,
    configToken: BLOG_CONFIG,
    rpcQueue: BLOG_QUEUE,
    eventsQueue: BLOG_EVENTS_QUEUE,
  };
}

/** Starts the blog service; used by `apps/blog` and by the end-to-end tests alike. */
export function startBlogService(config: BlogConfig): Promise<INestApplication> {
  return startService(blogService(config));
}
