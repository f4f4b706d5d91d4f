import { describe, expect, it } from 'vitest';
import { acceptOrCreateCorrelationId, runWithCorrelationId } from './correlation.js';
import { JsonLogger } from './json-logger.js';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('auth', level, (line) => lines.push(JSON.parse(line)));
  return { logger, lines };
}

describe('JsonLogger', () => {
  it('writes one JSON object with service, level, context and message', () => {
    const { logger, lines } = capture();
    logger.log('started', 'Bootstrap');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'auth',
        context: 'Bootstrap',
        msg: 'started',
      }),
    ]);
    expect(Date.parse(String(lines[0]?.['time']))).not.toBeNaN();
  });

  it('adds the correlation id of the request being handled', () => {
    const { logger, lines } = capture();
    runWithCorrelationId('req-42', () => logger.warn('slow'));
    logger.warn('outside');
    expect(lines[0]?.['correlationId']).toBe('req-42');
    expect(lines[1]?.['correlationId']).toBeUndefined();
  });

  it('keeps structured messages as fields and the stack of errors', () => {
    const { logger, lines } = capture();
    logger.log({ msg: 'published', count: 3 });
    logger.error('failed', 'Error: boom\n    at x', 'Relay');
    expect(lines[0]).toMatchObject({ msg: 'published', count: 3 });
    expect(lines[1]).toMatchObject({
      level: 'error',
      context: 'Relay',
      stack: 'Error: boom\n    at x',
    });
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('info');
    logger.debug('noise');
    expect(lines).toHaveLength(0);
  });
});

describe('acceptOrCreateCorrelationId', () => {
  it('keeps a plain id and replaces anything else with a UUID', () => {
    expect(acceptOrCreateCorrelationId('abc-123')).toBe('abc-123');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(200), '<script>']) {
      expect(acceptOrCreateCorrelationId(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
