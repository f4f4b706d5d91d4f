import { Redis } from 'ioredis';
import { testInfrastructure, uniqueSuffix } from './infrastructure.js';

export interface TestKeyspace {
  /** Prefix every key of this test run starts with. */
  readonly prefix: string;
  readonly url: string;
  /** Deletes every key under the prefix. */
  drop(): Promise<void>;
}

export function createTestKeyspace(label: string): TestKeyspace {
  const prefix = `capstone-test:${label}:${uniqueSuffix()}:`;
  return {
    prefix,
    url: testInfrastructure.redisUrl,
    drop: async () => {
      const redis = new Redis(testInfrastructure.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
      });
      await redis.connect();
      try {
        for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
          if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}
