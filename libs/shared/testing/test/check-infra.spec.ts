import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/index.js';

const script = resolve(import.meta.dirname, '../../../../scripts/check-infra.mjs');

describe('the pre-test infrastructure check (scripts/check-infra.mjs)', () => {
  it('passes when every server answers', () => {
    const result = spawnSync('node', [script], { encoding: 'utf8', timeout: 10_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails at once, naming the server that does not answer and how to start it', async () => {
    const closed = await freePort();
    const result = spawnSync('node', [script], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, TEST_REDIS_URL: `redis://127.0.0.1:${closed}` },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`✗ Redis does not answer at redis://127.0.0.1:${closed}`);
    expect(result.stderr).not.toContain('PostgreSQL does not answer');
    expect(result.stderr).toContain(
      'docker compose -f docker-compose.yml -f docker-compose.host-stores.yml up -d postgres mongo redis rabbitmq',
    );
  });
});
