import { AccountRules, ChatRules, ChatSocket } from '@capstone/contracts';
import { connect, expectOk } from '@capstone/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { newAccount, signUp, startStack, type Stack } from '../support/stack.js';

describe('the chat web page in headless Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  /** Uncaught errors and Content-Security-Policy refusals on any page: a module that did not run. */
  const problems: string[] = [];

  beforeAll(async () => {
    stack = await startStack('browser', { chat: true });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signUpIn(page: Page, account: ReturnType<typeof newAccount>): Promise<void> {
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) problems.push(message.text());
    });
    await page.goto(stack.api.baseUrl);
    const form = page.locator('#sign-up-form');
    await form.locator('input[name=username]').fill(account.username);
    await form.locator('input[name=email]').fill(account.email);
    await form.locator('input[name=password]').fill(account.password);
    await form.locator('button[type=submit]').click();
    await page.locator('#whoami-name', { hasText: account.username }).waitFor();
    await page.locator('#connection.online').waitFor();
  }

  it('lets two people sign up, meet in a room, see each other online and typing, and chat', async () => {
    const alice = newAccount('alice');
    const bob = newAccount('bob');
    const [pageA, pageB] = await Promise.all([browser.newContext(), browser.newContext()]).then(
      (contexts) => Promise.all(contexts.map((context) => context.newPage())),
    );
    await signUpIn(pageA, alice);
    await signUpIn(pageB, bob);

    const room = `lobby-${Date.now().toString(36)}`;
    await pageA.locator('#new-room-form input[name=name]').fill(room);
    await pageA.locator('#new-room-form button').click();
    await pageA.locator('#room-title', { hasText: `#${room}` }).waitFor();

    await pageB.reload();
    await pageB.locator('#rooms button', { hasText: `#${room}` }).click();
    await pageB.locator('#room-title', { hasText: `#${room}` }).waitFor();
    await pageA.locator('#presence li', { hasText: bob.username }).waitFor();
    await pageB.locator('#presence li', { hasText: alice.username }).waitFor();

    await pageB.locator('#send-form textarea').pressSequentially('typing');
    await pageA.locator('#typing', { hasText: `${bob.username} is typing` }).waitFor();
    await pageB.locator('#send-form textarea').fill('');

    const hostile = 'hello <b>bob</b> <img src=x onerror=alert(1)>';
    await pageA.locator('#send-form textarea').fill(hostile);
    await pageA.locator('#send-form button').click();
    const received = pageB.locator('#message-list .message', { hasText: 'hello' });
    await received.waitFor();
    expect(await received.locator('.text').textContent()).toBe(hostile);
    expect(await received.locator('b, img').count()).toBe(0);

    await pageB.locator('#send-form textarea').fill('hi alice');
    await pageB.locator('#send-form textarea').press('Enter');
    await pageA.locator('#message-list .message', { hasText: 'hi alice' }).waitFor();
    expect(await pageA.locator('#message-list .message .meta strong').allTextContents()).toEqual([
      alice.username,
      bob.username,
    ]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('shows the rooms a page at a time, the next one when asked', async () => {
    const page = await browser.newContext().then((context) => context.newPage());
    await signUpIn(page, newAccount('reader'));
    // More public rooms than a page holds (two owners: a user may create 50).
    const owners = await Promise.all([signUp(stack.api), signUp(stack.api)]);
    const marker = Date.now().toString(36);
    for (const [index, owner] of owners.entries()) {
      const socket = await connect(stack.api.baseUrl, owner.token);
      await Promise.all(
        Array.from({ length: 26 }, (_, room) =>
          expectOk(socket, ChatSocket.createRoom, {
            name: `p${marker}-${index}-${room}`,
            kind: 'public',
          }),
        ),
      );
      socket.close();
    }
    await page.reload();
    const shown = page.locator('#rooms button');
    await page.locator('#more-rooms').waitFor();
    expect(await shown.count()).toBe(ChatRules.roomListLimitDefault);
    await page.locator('#more-rooms').click();
    await page.locator('#more-rooms').waitFor({ state: 'hidden' });
    expect(await shown.count()).toBeGreaterThan(ChatRules.roomListLimitDefault);
    expect(await page.locator('#rooms button', { hasText: `#p${marker}-` }).count()).toBe(52);
    expect(problems).toEqual([]);
  }, 60_000);

  it('holds its inputs to the limits the services enforce, which it reads from the gateway', async () => {
    const page = await browser.newPage();
    await page.goto(stack.api.baseUrl);
    const limit = (selector: string, attribute: string) =>
      page.locator(selector).getAttribute(attribute);
    await page.locator('#send-form textarea[maxlength]').waitFor({ state: 'attached' });
    expect(await limit('#send-form textarea', 'maxlength')).toBe(String(ChatRules.textMaxLength));
    expect(await limit('#new-room-form input[name=name]', 'maxlength')).toBe(
      String(ChatRules.roomNameMaxLength),
    );
    expect(await limit('#sign-up-form input[name=username]', 'maxlength')).toBe(
      String(AccountRules.usernameMaxLength),
    );
    expect(await limit('#sign-up-form input[name=password]', 'minlength')).toBe(
      String(AccountRules.passwordMinLength),
    );
    await page.close();
  });
});
