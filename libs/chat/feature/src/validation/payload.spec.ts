import { ChatRules } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';
import { describe, expect, it } from 'vitest';
import { ChatPayloads } from './chat-payloads.js';
import { parsePayload } from './payload.js';

function errorsOf(run: () => unknown): Record<string, string[]> {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError && error.status === 422) return error.errors;
    throw error;
  }
  throw new Error('expected a 422');
}

const roomId = '0123456789abcdef01234567';

describe('socket and RPC payloads', () => {
  it('trims text and keeps it as written otherwise: no escaping, no interpretation', () => {
    const text = '  <script>alert(1)</script> &amp; ${x} \n';
    expect(parsePayload(ChatPayloads.send, { roomId, text, clientMessageId: 'c1' })).toEqual({
      roomId,
      text: '<script>alert(1)</script> &amp; ${x}',
      clientMessageId: 'c1',
    });
  });

  it('counts characters as people do', () => {
    const emoji = '👩‍💻'; // one glyph, three code points, five UTF-16 units
    const fits = 'é'.repeat(ChatRules.textMaxLength);
    expect(parsePayload(ChatPayloads.edit, { messageId: roomId, text: fits }).text).toBe(fits);
    expect(
      errorsOf(() =>
        parsePayload(ChatPayloads.edit, {
          messageId: roomId,
          text: emoji.repeat(ChatRules.textMaxLength),
        }),
      ),
    ).toEqual({ text: [`is too long (maximum is ${ChatRules.textMaxLength} characters)`] });
  });

  it('names every field at fault at once', () => {
    expect(errorsOf(() => parsePayload(ChatPayloads.send, { roomId: 42, text: ' ' }))).toEqual({
      roomId: ['must be an id'],
      text: ["can't be blank"],
      clientMessageId: ["can't be blank"],
    });
    expect(errorsOf(() => parsePayload(ChatPayloads.createRoom, null))).toEqual({
      payload: ['must be an object'],
    });
    expect(
      errorsOf(() =>
        parsePayload(ChatPayloads.createRoom, { name: 'x', kind: 'secret', members: 'bob' }),
      ),
    ).toEqual({ kind: ['must be public or private'], members: ['must be a list of usernames'] });
  });

  it('bounds paging and member lists', () => {
    expect(parsePayload(ChatPayloads.missedSince, { roomId, after: roomId }).limit).toBe(
      ChatRules.historyLimitMax,
    );
    expect(
      errorsOf(() => parsePayload(ChatPayloads.history, { viewerId: 'v', roomId, limit: 0 })),
    ).toEqual({ limit: ['must be at least 1'] });
    expect(
      errorsOf(() =>
        parsePayload(ChatPayloads.createRoom, {
          name: 'crowd',
          kind: 'private',
          members: Array.from({ length: ChatRules.membersPerRoomMax }, (_, index) => `u${index}`),
        }),
      ),
    ).toEqual({ members: [`has too many members (maximum is ${ChatRules.membersPerRoomMax})`] });
  });
});
