// Baseline for cache hits: a bare Node `http` server answering every request with the bytes
// stored under REDIS_KEY, read from Redis each time, as the gateway reads a cached page.
import http from 'node:http';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL);
const key = process.env.REDIS_KEY;

http
  .createServer(async (_request, response) => {
    const body = await redis.get(key);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
