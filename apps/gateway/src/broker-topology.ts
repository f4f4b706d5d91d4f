import { brokerAdminConfigSchema, loadConfig } from '@capstone/config';
import { declareTopologyCommand } from '@capstone/messaging';

await declareTopologyCommand(() => loadConfig(brokerAdminConfigSchema));
