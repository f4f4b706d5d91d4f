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
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
