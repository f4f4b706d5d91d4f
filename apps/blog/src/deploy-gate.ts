import 'reflect-metadata';
import { blogDataSourceOptions } from '@capstone/blog-feature';
import { brokerSettings, loadConfig, postgresSettings } from '@capstone/config';
import { runDeployGate } from '@capstone/deploy-steps';
import { brokerTopologyDeclared } from '@capstone/messaging';
import { migrationsApplied } from '@capstone/persistence';
import { z } from 'zod';

// The broker's topology is checked as blog's own user: a passive check needs no permission.
await runDeployGate('blog', () => {
  const config = loadConfig(z.object({ ...postgresSettings('blog'), ...brokerSettings }));
  return [
    migrationsApplied(blogDataSourceOptions(config.DATABASE_URL, false)),
    brokerTopologyDeclared(config.AMQP_URL),
  ];
});
