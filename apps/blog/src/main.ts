import 'reflect-metadata';
import { loadBlogConfig, startBlogService } from '@capstone/blog-feature';
import { runService } from '@capstone/service-defaults';

await runService('blog', () => startBlogService(loadBlogConfig()));
