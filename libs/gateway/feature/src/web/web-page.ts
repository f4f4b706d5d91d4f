import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@capstone/config';
import { AccountRules, ChatRules, ChatSocket } from '@capstone/contracts';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where the page imports the contracts it shares with the services from. */
export const CONTRACTS_MODULE_PATH = '/contracts.js';

/**
 * The limits the services enforce and the Socket.IO event names, as an ES module the page
 * imports: written once at start-up from libs/shared/contracts, so the page cannot drift from
 * them. Only the account limits the page's forms use, and only values JSON can carry.
 */
export function contractsModule(): string {
  const { emailMaxLength, passwordMinLength, passwordMaxLength, usernameMaxLength } = AccountRules;
  const shared = {
    AccountRules: { emailMaxLength, passwordMinLength, passwordMaxLength, usernameMaxLength },
    ChatRules,
    ChatSocket,
  };
  return Object.entries(shared)
    .map(([name, value]) => `export const ${name} = Object.freeze(${JSON.stringify(value)});\n`)
    .join('');
}

/**
 * Serves the demo web page (apps/web/public) at `/`, and its contracts module. Helmet's
 * Content-Security-Policy applies: scripts (the page's ES modules), styles and connections (the
 * WebSocket included) from this origin only. The page's few files are listed once at start-up, a
 * route each (`wildcard: false`), so API requests pass by without touching the file system.
 */
export function webPage(root: string): FastifyPluginAsync {
  const directory = resolve(root);
  if (!existsSync(directory)) throw new ConfigError([`WEB_ROOT: no such directory ${directory}`]);
  const contracts = contractsModule();
  return async (fastify) => {
    fastify.get(CONTRACTS_MODULE_PATH, (_request, reply) =>
      reply.type('text/javascript').header('cache-control', 'public, max-age=300').send(contracts),
    );
    await fastify.register(fastifyStatic, {
      root: directory,
      wildcard: false,
      index: 'index.html',
      maxAge: '5m',
      decorateReply: false,
    });
  };
}
