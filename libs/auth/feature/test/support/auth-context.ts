import type { INestApplicationContext, Type } from '@nestjs/common';
import { createServiceContext } from '@capstone/service-defaults';
import { createTestServiceStores, type TestServiceStores } from '@capstone/testing';
import { afterAll, beforeAll } from 'vitest';
import { loadAuthConfig } from '../../src/auth.config.js';
import { authService } from '../../src/bootstrap.js';

/** The auth service's providers, without the broker servers. */
export interface AuthTestContext {
  get<T>(type: Type<T>): T;
}

/**
 * The auth service on a fresh database and vhost for the tests of the enclosing describe block:
 * started before them, closed after them. The handle can be kept at once; it reaches the service
 * only when the tests run.
 */
export function useAuthContext(label: string): AuthTestContext {
  let stores: TestServiceStores | undefined;
  let context: INestApplicationContext | undefined;
  beforeAll(async () => {
    stores = await createTestServiceStores(label);
    const config = loadAuthConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', ...stores.env });
    context = await createServiceContext(authService(config));
  });
  afterAll(async () => {
    await context?.close();
    await stores?.drop();
  });
  return {
    get: (type) => {
      if (!context) throw new Error(`the ${label} auth context is used outside its tests`);
      return context.get(type);
    },
  };
}
