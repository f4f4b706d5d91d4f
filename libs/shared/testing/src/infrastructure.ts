/**
 * Where the test servers are. Defaults match the CI machine and a laptop running compose's stores
 * published on the host (`docker compose -f docker-compose.yml -f docker-compose.host-stores.yml
 * up -d postgres mongo redis rabbitmq`); override with TEST_* variables.
 */
export const testInfrastructure = {
  postgresUrl: process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  amqpUrl: process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
  rabbitManagementUrl:
    process.env['TEST_RABBITMQ_MANAGEMENT_URL'] ?? 'http://guest:guest@127.0.0.1:15672',
  mongoUrl: process.env['TEST_MONGO_URL'] ?? 'mongodb://127.0.0.1:27017',
};

/** A short random name part, so parallel and repeated runs never share a database, vhost or key. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
