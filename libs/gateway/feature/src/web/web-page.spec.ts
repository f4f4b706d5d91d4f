import { resolve } from 'node:path';
import { AccountRules, ChatRules, ChatSocket } from '@capstone/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS_MODULE_PATH, contractsModule, webPage } from './web-page.js';

describe('contractsModule', () => {
  it('is an ES module with the limits and event names of the contracts', async () => {
    const source = contractsModule();
    const module = (await import(
      `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
    )) as Record<string, unknown>;
    expect(module['ChatRules']).toEqual(ChatRules);
    expect(module['ChatSocket']).toEqual(ChatSocket);
    expect(module['AccountRules']).toEqual({
      emailMaxLength: AccountRules.emailMaxLength,
      passwordMinLength: AccountRules.passwordMinLength,
      passwordMaxLength: AccountRules.passwordMaxLength,
      usernameMaxLength: AccountRules.usernameMaxLength,
    });
  });
});

describe('webPage', () => {
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    server = Fastify();
    await server.register(webPage(resolve(import.meta.dirname, '../../../../../apps/web/public')));
    server.setNotFoundHandler((_request, reply) => void reply.status(404).send('not the page'));
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(() => server.close());

  it('serves the contracts module as JavaScript', async () => {
    const response = await fetch(`${base}${CONTRACTS_MODULE_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await response.text()).toBe(contractsModule());
  });

  it('serves the page and every module it imports', async () => {
    const page = await fetch(base);
    expect(page.status).toBe(200);
    const entry = await fetch(`${base}/app.js`).then((response) => response.text());
    const imports = [...entry.matchAll(/from '\.(\/[\w-]+\.js)'/g)].map((match) => match[1]);
    expect(imports.length).toBeGreaterThan(3);
    for (const path of imports) expect((await fetch(`${base}${path}`)).status, path).toBe(200);
  });

  it('leaves every other path, and other methods on the contracts, to the next handler', async () => {
    expect(await fetch(`${base}/api/tags`).then((response) => response.text())).toBe(
      'not the page',
    );
    const post = await fetch(`${base}${CONTRACTS_MODULE_PATH}`, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});
