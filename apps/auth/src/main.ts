import 'reflect-metadata';
import { loadAuthConfig, startAuthService } from '@capstone/auth-feature';
import { JsonLogger } from '@capstone/logging';

try {
  await startAuthService(loadAuthConfig());
} catch (error) {
  new JsonLogger('auth').error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
}
