import { describe, expect, it } from 'vitest';
import { ChatPayloads, ChatRules, HistoryQuery } from './chat.contracts.js';
import { validate } from './schema/validate.js';

const roomId = '0123456789abcdef01234567';

function errorsOf(result: ReturnType<typeof validate>) {
  if (result.ok) throw new Error('expected the payload to be refused');
  return result.errors;
}

describe('socket and RPC payloads of the chat', () => {
  it('trims text and keeps it as written otherwise: no escaping, no interpretation', () => {
    const text = '  <script>alert(1)</script> &amp; ${x} \n';
    expect(validate(ChatPayloads.send, { roomId, text, clientMessageId: 'c1' })).toEqual({
      ok: true,
      value: { roomId, text: '<script>alert(1)</script> &amp; ${x}', clientMessageId: 'c1' },
    });
  });

  it('counts characters as people do', () => {
    const emoji = '👩‍💻'; // one glyph, three code points, five UTF-16 units
    const fits = 'é'.repeat(ChatRules.textMaxLength);
    expect(validate(ChatPayloads.edit, { messageId: roomId, text: fits })).toMatchObject({
      ok: true,
    });
    expect(
      errorsOf(
        validate(ChatPayloads.edit, {
          messageId: roomId,
          text: emoji.repeat(ChatRules.textMaxLength),
        }),
      ),
    ).toEqual({ text: [`is too long (maximum is ${ChatRules.textMaxLength} characters)`] });
  });

  it('names every field at fault at once', () => {
    expect(errorsOf(validate(ChatPayloads.send, { roomId: 42, text: ' ' }))).toEqual({
      roomId: ['must be an id'],
      text: ["can't be blank"],
      clientMessageId: ["can't be blank"],
    });
    expect(errorsOf(validate(ChatPayloads.createRoom, null))).toEqual({
      payload: ['must be an object'],
    });
    expect(
      errorsOf(validate(ChatPayloads.createRoom, { name: 'x', kind: 'secret', members: 'bob' })),
    ).toEqual({ kind: ['must be public or private'], members: ['must be a list of usernames'] });
    expect(errorsOf(validate(ChatPayloads.room, { roomId, $where: 'sleep(1000)' }))).toEqual({
      $where: ['is not allowed'],
    });
  });

  it('refuses what MongoDB should never be asked to store or match', () => {
    expect(errorsOf(validate(ChatPayloads.room, { roomId: { $gt: '' } }))).toEqual({
      roomId: ['must be an id'],
    });
    expect(
      errorsOf(validate(ChatPayloads.send, { roomId, text: 'half \ud83d', clientMessageId: 'c' })),
    ).toEqual({
      text: ['contains characters that cannot be stored (NUL or an unpaired surrogate)'],
    });
  });

  it('bounds paging and member lists', () => {
    expect(validate(ChatPayloads.missedSince, { roomId, after: roomId })).toMatchObject({
      ok: true,
      value: { limit: ChatRules.historyLimitMax },
    });
    const viewerId = '0b7c1ad6-3c1f-4bd4-9d75-0a0a7f1b5e2a';
    expect(errorsOf(validate(HistoryQuery, { viewerId, roomId, limit: 0 }))).toEqual({
      limit: ['must be at least 1'],
    });
    expect(validate(HistoryQuery, { viewerId, roomId })).toMatchObject({
      ok: true,
      value: { limit: ChatRules.historyLimitDefault },
    });
    expect(
      errorsOf(
        validate(ChatPayloads.createRoom, {
          name: 'crowd',
          kind: 'private',
          members: Array.from({ length: ChatRules.membersPerRoomMax }, (_, index) => `u${index}`),
        }),
      ),
    ).toEqual({ members: [`has too many members (maximum is ${ChatRules.membersPerRoomMax})`] });
  });
});
