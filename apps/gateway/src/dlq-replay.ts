import { brokerAdminConfigSchema, loadConfig } from '@capstone/config';
import { replayDeadLettersCommand } from '@capstone/messaging';

await replayDeadLettersCommand(process.argv.slice(2), () => loadConfig(brokerAdminConfigSchema));
