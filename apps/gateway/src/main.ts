import 'reflect-metadata';
import { loadGatewayConfig, startGateway } from '@capstone/gateway-feature';
import { runService } from '@capstone/service-defaults';

await runService('gateway', () => startGateway(loadGatewayConfig()));
