import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

const execute = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

/** `npm run load` as a learner runs it, against the stack this file starts. */
async function load(url: string, ...flags: string[]): Promise<string> {
  const { stdout } = await execute(
    process.execPath,
    ['tools/load/main.ts', '--url', url, '--prefix', 'e2e', '--users', '3', ...flags],
    { cwd: root, timeout: 60_000 },
  );
  return stdout;
}

interface Row {
  readonly count: number;
  readonly statuses: string;
}

/** The summary's rows by operation: columns are at least two spaces apart. */
function rowsOf(summary: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of summary.split('\n')) {
    const cells = line.trim().split(/\s{2,}/);
    if (cells.length === 8 && /^\d+$/.test(cells[1] ?? ''))
      rows.set(cells[0] ?? '', { count: Number(cells[1]), statuses: cells[7] ?? '' });
  }
  return rows;
}

const SCENARIO_ROWS = [
  'list articles',
  'feed',
  'read article',
  'read comments',
  'view profile',
  'sign in',
  'write article',
  'comment',
  'favorite',
  'follow',
  'chat send',
  'chat receive',
];

describe('the load generator (npm run load) against a running stack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('load', { chat: true });
  }, 60_000);

  afterAll(() => stack?.stop());

  it('runs every scenario for a few seconds and reports each with its latencies and 2xx statuses', async () => {
    const summary = await load(stack.api.baseUrl, '--duration', '6', '--rate', '25');

    const rows = rowsOf(summary);
    for (const operation of SCENARIO_ROWS) {
      const row = rows.get(operation);
      expect(row, `no "${operation}" row in:\n${summary}`).toBeDefined();
      expect(row?.count).toBeGreaterThan(0);
      expect(row?.statuses, `${operation} in:\n${summary}`).toMatch(
        /^(2\d\d|ok)×\d+( (2\d\d|ok)×\d+)*$/,
      );
    }
    // The setup signed the three new accounts up; the progress line came every few seconds.
    expect(rows.get('sign up')).toEqual({ count: 3, statuses: '201×3' });
    expect(summary).toMatch(/^5s\/6s {2}[\d.]+ req\/s {2}p50 .* {2}no errors$/m);
    expect(summary).toContain('Every operation of the run succeeded.');
  }, 90_000);

  it('signs the same accounts in on the next run instead of signing them up again', async () => {
    const summary = await load(stack.api.baseUrl, '--duration', '1', '--rate', '5');

    const rows = rowsOf(summary);
    expect(rows.has('sign up')).toBe(false);
    expect(summary).toContain('Every operation of the run succeeded.');
  }, 60_000);
});
