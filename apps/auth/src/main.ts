import 'reflect-metadata';
import { loadAuthConfig, startAuthService } from '@capstone/auth-feature';
import { runService } from '@capstone/service-defaults';

await runService('auth', () => startAuthService(loadAuthConfig()));
