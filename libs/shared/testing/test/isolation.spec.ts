import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestKeyspace,
  createTestMongoDatabase,
  createTestVhost,
  testInfrastructure,
  TcpProxy,
} from '../src/index.js';

describe('per-run isolation on the real servers', () => {
  it('creates a PostgreSQL database that can be used and is gone after drop()', async () => {
    const database = await createTestDatabase('helpers');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.end();
    expect(rows[0]?.db).toBe(database.name);

    await database.drop();
    const admin = new pg.Client({ connectionString: testInfrastructure.postgresUrl });
    await admin.connect();
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });

  it('creates a RabbitMQ virtual host that carries messages and is removed after drop()', async () => {
    const vhost = await createTestVhost('helpers');
    const connection = await amqp.connect(vhost.url);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    channel.sendToQueue(queue, Buffer.from('hello'));
    const message = await new Promise<string>((resolve) =>
      channel.consume(queue, (msg) => msg && resolve(msg.content.toString()), { noAck: true }),
    );
    await connection.close();
    expect(message).toBe('hello');

    await vhost.drop();
    await expect(amqp.connect(vhost.url)).rejects.toThrow();
  });

  it('deletes exactly the keys under its Redis prefix', async () => {
    const keyspace = createTestKeyspace('helpers');
    const other = createTestKeyspace('helpers');
    const redis = new Redis(keyspace.url);
    await redis.set(`${keyspace.prefix}a`, '1');
    await redis.set(`${other.prefix}b`, '2');
    await keyspace.drop();
    expect(await redis.get(`${keyspace.prefix}a`)).toBeNull();
    expect(await redis.get(`${other.prefix}b`)).toBe('2');
    await other.drop();
    redis.disconnect();
  });

  it('gives each run its own database on the MongoDB-protocol server', async () => {
    const database = createTestMongoDatabase('helpers');
    const client = new MongoClient(database.url, { serverSelectionTimeoutMS: 5_000 });
    await client.db().collection('probe').insertOne({ hello: 'world' });
    expect(await client.db().collection('probe').countDocuments()).toBe(1);
    await database.drop();
    const names = (await client.db().admin().listDatabases()).databases.map((db) => db.name);
    await client.close();
    expect(names).not.toContain(database.name);
  });
});

describe('TcpProxy', () => {
  const redisTarget = {
    host: '127.0.0.1',
    port: Number(new URL(testInfrastructure.redisUrl).port || 6379),
  };
  let proxy: TcpProxy;

  afterAll(() => proxy?.cut());

  it('relays traffic, refuses it when cut and relays again after restore', async () => {
    proxy = await TcpProxy.start(redisTarget);
    const viaProxy = () =>
      new Redis(proxy.rewrite(testInfrastructure.redisUrl), {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });

    const first = viaProxy();
    await first.connect();
    expect(await first.ping()).toBe('PONG');

    await proxy.cut();
    await expect(first.ping()).rejects.toThrow();
    await expect(viaProxy().connect()).rejects.toThrow();

    await proxy.restore();
    const again = viaProxy();
    await again.connect();
    expect(await again.ping()).toBe('PONG');
    again.disconnect();
    first.disconnect();
  });
});
