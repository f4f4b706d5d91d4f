import { describe, expect, it } from 'vitest';
import { isRpcFailure } from './rpc.js';

describe('isRpcFailure', () => {
  it('recognises the failure shape services reply with', () => {
    expect(isRpcFailure({ status: 422, errors: { email: ['is invalid'] } })).toBe(true);
  });

  it('rejects replies and errors of any other shape', () => {
    for (const value of [
      null,
      undefined,
      'failed',
      { status: '422', errors: {} },
      { status: 500 },
      new Error('x'),
    ]) {
      expect(isRpcFailure(value)).toBe(false);
    }
  });
});
