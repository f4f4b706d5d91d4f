import 'reflect-metadata';
import { authDataSourceOptions } from '@capstone/auth-feature';
import { brokerSettings, loadConfig, postgresSettings } from '@capstone/config';
import { runDeployGate } from '@capstone/deploy-steps';
import { brokerTopologyDeclared } from '@capstone/messaging';
import { migrationsApplied } from '@capstone/persistence';
import { z } from 'zod';

// The broker's topology is checked as auth's own user: a passive check needs no permission.
await runDeployGate('auth', () => {
  const config = loadConfig(z.object({ ...postgresSettings('auth'), ...brokerSettings }));
  return [
    migrationsApplied(authDataSourceOptions(config.DATABASE_URL, false)),
    brokerTopologyDeclared(config.AMQP_URL),
  ];
});
