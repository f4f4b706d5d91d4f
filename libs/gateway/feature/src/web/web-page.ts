import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@capstone/config';
import express, { type RequestHandler } from 'express';

/**
 * Serves the demo web page (apps/web/public) at `/`. Helmet's Content-Security-Policy applies:
 * scripts, styles and connections (the WebSocket included) from this origin only. The page's few
 * files are listed once at start-up, so API requests pass by without touching the file system.
 */
export function webPage(root: string): RequestHandler {
  const directory = resolve(root);
  if (!existsSync(directory)) throw new ConfigError([`WEB_ROOT: no such directory ${directory}`]);
  const paths = new Set(['/', ...readdirSync(directory).map((file) => `/${file}`)]);
  const serve = express.static(directory, { index: 'index.html', maxAge: '5m', fallthrough: true });
  return (request, response, next) =>
    paths.has(request.path) ? serve(request, response, next) : next();
}
