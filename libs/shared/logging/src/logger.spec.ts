import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from './logger.js';

function capture(level: LogLevel = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('auth', level, destination), lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level name, service and message', () => {
    const { logger, lines } = capture();
    logger.info('started');
    expect(lines).toEqual([
      { time: expect.any(String), level: 'info', service: 'auth', msg: 'started' },
    ]);
    expect(Date.parse(String(lines[0]?.['time']))).not.toBeNaN();
  });

  it('keeps structured fields, and the message and stack of an error', () => {
    const { logger, lines } = capture();
    logger.info({ count: 3 }, 'published');
    logger.error(new Error('boom'), 'failed');
    expect(lines[0]).toMatchObject({ msg: 'published', count: 3 });
    expect(lines[1]).toMatchObject({
      level: 'error',
      msg: 'failed',
      err: { message: 'boom', stack: expect.stringContaining('Error: boom') },
    });
  });

  it('leaves out what is below its level', () => {
    const { logger, lines } = capture('warn');
    logger.info('chatty');
    logger.debug('chattier');
    logger.warn('worth saying');
    expect(lines.map((line) => line['msg'])).toEqual(['worth saying']);
  });
});
