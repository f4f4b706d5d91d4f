import { MongoClient } from 'mongodb';
import { testInfrastructure, uniqueSuffix } from './infrastructure.js';

export interface TestMongoDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Names a MongoDB database for one test file; it exists once something writes to it. */
export function createTestMongoDatabase(label: string): TestMongoDatabase {
  const name = `capstone_test_${label}_${uniqueSuffix()}`.replace(/[^A-Za-z0-9_]/g, '_');
  const url = new URL(testInfrastructure.mongoUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new MongoClient(testInfrastructure.mongoUrl, {
        serverSelectionTimeoutMS: 5_000,
      });
      try {
        await client.db(name).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}
