import { describe, expect, it } from 'vitest';
import {
  ChatPayloads,
  ChatRpc,
  ChatRules,
  HistoryQuery,
  MessageBroadcast,
  PresenceEvent,
  ReadReceiptView,
  roomPageShape,
  SocketAck,
  TypingView,
} from './chat.contracts.js';
import { strictObject } from './schema/fields.js';
import { validate } from './schema/validate.js';
import { errorsOf } from '../test/support/errors-of.js';

const roomId = '0123456789abcdef01234567';

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

  it('names a member to add by username and one to remove by user id', () => {
    const userId = '6f1c1a52-0f43-4b7c-9d2a-0a4b1f6d3c21';
    expect(validate(ChatPayloads.addMember, { roomId, username: 'bob' })).toMatchObject({
      ok: true,
    });
    expect(errorsOf(validate(ChatPayloads.addMember, { roomId, username: 'no spaces' }))).toEqual({
      username: ['may only contain letters, digits, _, - and .'],
    });
    expect(validate(ChatPayloads.removeMember, { roomId, userId })).toMatchObject({ ok: true });
    expect(errorsOf(validate(ChatPayloads.removeMember, { roomId, userId: 'bob' }))).toEqual({
      userId: ['is invalid'],
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

  it('pages the room list: 50 rooms by default, at most 100, skipping at most 10,000', () => {
    const viewerId = '0b7c1ad6-3c1f-4bd4-9d75-0a0a7f1b5e2a';
    const list = (page: object) => validate(ChatRpc.listRooms.request, { viewerId, ...page });
    expect(list({})).toEqual({ ok: true, value: { viewerId, limit: 50, offset: 0 } });
    expect(list({ limit: 100, offset: 10_000 })).toMatchObject({ ok: true });
    expect(errorsOf(list({ limit: 101, offset: 10_001 }))).toEqual({
      limit: ['must be at most 100'],
      offset: ['must be at most 10000'],
    });
    expect(errorsOf(list({ limit: 0, offset: -1 }))).toEqual({
      limit: ['must be at least 1'],
      offset: ['must not be negative'],
    });
    const query = strictObject(roomPageShape({ coerce: true }));
    expect(validate(query, { limit: '20', offset: '40' })).toEqual({
      ok: true,
      value: { limit: 20, offset: 40 },
    });
  });

  it('reads usernames with the one username rule of the accounts', () => {
    const rule = 'may only contain letters, digits, _, - and .';
    expect(errorsOf(validate(ChatPayloads.openDirect, { username: 'bob smith' }))).toEqual({
      username: [rule],
    });
    expect(errorsOf(validate(ChatPayloads.openDirect, { username: '<b>' }))).toEqual({
      username: [rule],
    });
    expect(validate(ChatPayloads.openDirect, { username: ' bob.smith_2 ' })).toEqual({
      ok: true,
      value: { username: 'bob.smith_2' },
    });
    expect(
      errorsOf(
        validate(ChatPayloads.createRoom, {
          name: 'team',
          kind: 'private',
          members: ['ada', 'bob/../admin', 'x'.repeat(41)],
        }),
      ),
    ).toEqual({ members: [rule, 'is too long (maximum is 40 characters)'] });
  });
});

describe('trace context on socket messages', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('lets every client → server event name the W3C trace it belongs to', () => {
    for (const [payload, body] of [
      [ChatPayloads.room, { roomId }],
      [ChatPayloads.send, { roomId, text: 'hi', clientMessageId: 'c1' }],
      [ChatPayloads.typing, { roomId, typing: true }],
    ] as const) {
      expect(validate(payload, { ...body, traceparent, tracestate: 'vendor=x' })).toMatchObject({
        ok: true,
        value: { ...body, traceparent, tracestate: 'vendor=x' },
      });
    }
  });

  it('refuses a traceparent that is not W3C trace context', () => {
    const message = 'must be a W3C traceparent (00-<trace id>-<span id>-<flags>)';
    for (const bad of [
      'not-a-trace',
      traceparent.toUpperCase(),
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
      `ff${traceparent.slice(2)}`,
      `${traceparent}-extra`,
    ]) {
      expect(errorsOf(validate(ChatPayloads.room, { roomId, traceparent: bad }))).toEqual({
        traceparent: [message],
      });
    }
    expect(errorsOf(validate(ChatPayloads.room, { roomId, traceparent: 5 }))).toEqual({
      traceparent: ['must be text'],
    });
    expect(errorsOf(validate(ChatPayloads.room, { roomId, tracestate: 'x'.repeat(513) }))).toEqual({
      tracestate: ['is invalid'],
    });
  });
});

describe('what the server sends to clients', () => {
  const user = { userId: 'u1', username: 'ada' };
  const message = {
    id: roomId,
    roomId,
    author: user,
    text: 'hi',
    createdAt: '2025-01-01T00:00:00.000Z',
    editedAt: null,
    deleted: false,
    clientMessageId: 'c1',
  };

  it('has a schema for every broadcast, so clients can check what they receive', () => {
    const snapshot = { kind: 'snapshot', roomId, seq: 3, online: [user] };
    expect(PresenceEvent.parse(snapshot)).toEqual(snapshot);
    const changes = { kind: 'changes', roomId, changes: [{ seq: 4, user, online: false }] };
    expect(PresenceEvent.parse(changes)).toEqual(changes);
    expect(PresenceEvent.safeParse({ roomId, online: [user] }).success).toBe(false);
    expect(TypingView.safeParse({ roomId, user, typing: 'yes' }).success).toBe(false);
    expect(ReadReceiptView.safeParse({ roomId, user }).success).toBe(false);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(MessageBroadcast.parse({ ...message, traceparent })).toEqual({
      ...message,
      traceparent,
    });
    expect(MessageBroadcast.parse(message)).toEqual(message);
  });

  it('reads an acknowledgement as its result or its error, nothing in between', () => {
    const ack = SocketAck(TypingView);
    const typing = { roomId, user, typing: true };
    expect(ack.parse({ ok: true, data: typing })).toEqual({ ok: true, data: typing });
    expect(ack.parse({ ok: false, error: 'room: join it first' })).toEqual({
      ok: false,
      error: 'room: join it first',
    });
    expect(ack.safeParse({ ok: true, error: 'both' }).success).toBe(false);
    expect(ack.safeParse({ ok: true, data: { roomId } }).success).toBe(false);
  });
});
