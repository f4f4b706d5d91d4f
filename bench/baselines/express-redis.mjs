// Reference for cache hits: the same as http-redis.mjs in a bare Express 5 app, to show what the
// framework itself costs.
import http from 'node:http';
import express from 'express';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL);
const key = process.env.REDIS_KEY;

const app = express();
app.get('/api/articles', async (_request, response) => {
  const body = await redis.get(key);
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(body);
});
http.createServer(app).listen(Number(process.env.PORT), '127.0.0.1');
