import 'reflect-metadata';
import { loadGatewayConfig, startGateway } from '@capstone/gateway-feature';
import { JsonLogger } from '@capstone/logging';

try {
  await startGateway(loadGatewayConfig());
} catch (error) {
  new JsonLogger('gateway').error(
    error instanceof Error ? error.message : String(error),
    'Bootstrap',
  );
  process.exit(1);
}
