import 'reflect-metadata';
import { loadBlogConfig, startBlogService } from '@capstone/blog-feature';
import { JsonLogger } from '@capstone/logging';

try {
  await startBlogService(loadBlogConfig());
} catch (error) {
  new JsonLogger('blog').error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
}
