import { brokerSettings, loadConfig } from '@capstone/config';
import { runDeployGate } from '@capstone/deploy-steps';
import { brokerTopologyDeclared } from '@capstone/messaging';
import { z } from 'zod';

// The broker's topology is checked as gateway's own user: a passive check needs no permission.
await runDeployGate('gateway', () => [
  brokerTopologyDeclared(loadConfig(z.object(brokerSettings)).AMQP_URL),
]);
