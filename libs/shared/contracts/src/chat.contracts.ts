import { z } from 'zod';
import { AccountFields } from './account-rules.js';
import { ProfileApplied, ProfileSnapshot } from './auth.contracts.js';
import { ChatMessageView, ChatRules, MessagePage, RoomPage } from './chat-views.js';
import { defineEvent } from './events.js';
import { defineRpc } from './rpc.js';
import { field, strictObject } from './schema/fields.js';

export * from './chat-views.js';

/** The RPC queue the chat service consumes (history and rooms for the REST API). */
export const CHAT_QUEUE = 'chat.rpc';
/** The queue the chat service receives other services' events on. */
export const CHAT_EVENTS_QUEUE = 'chat.events';
/** The public room where new blog articles are announced. */
export const ARTICLES_ROOM_NAME = 'articles';

/**
 * W3C Trace Context's `traceparent`: version, trace id, parent id and flags in lower-case hex,
 * where version `ff` and ids of only zeros are invalid (https://www.w3.org/TR/trace-context/).
 */
const TRACEPARENT = /^(?!ff)[\da-f]{2}-(?!0{32})[\da-f]{32}-(?!0{16})[\da-f]{16}-[\da-f]{2}$/;

/**
 * The trace a socket message belongs to, in the two fields W3C Trace Context puts in HTTP
 * headers, since Socket.IO messages have none: a client may add them to any event it sends, so
 * that the server's handling joins the client's trace; the server adds them to the messages it
 * broadcasts, so that receivers can join the trace of the send.
 */
export const SocketTraceFields = {
  traceparent: z
    .string('must be text')
    .regex(TRACEPARENT, 'must be a W3C traceparent (00-<trace id>-<span id>-<flags>)')
    .optional(),
  tracestate: field.token(ChatRules.tracestateMaxLength).optional(),
};
export type SocketTraceFields = z.infer<z.ZodObject<typeof SocketTraceFields>>;

/** A client → server payload: its own fields, and the trace it belongs to if the client says. */
function socketPayload<T extends z.ZodRawShape>(shape: T) {
  return strictObject({ ...shape, ...SocketTraceFields });
}

const roomId = field.objectId();
const messageId = field.objectId();
const text = field.text(ChatRules.textMaxLength);

/** What clients send with each client → server `ChatSocket` event. */
export const ChatPayloads = {
  createRoom: socketPayload({
    name: field.text(ChatRules.roomNameMaxLength),
    kind: z.enum(['public', 'private'], 'must be public or private'),
    /** Usernames to add to a private room. */
    members: z
      .array(AccountFields.username, 'must be a list of usernames')
      .max(
        ChatRules.membersPerRoomMax - 1,
        `has too many members (maximum is ${ChatRules.membersPerRoomMax})`,
      )
      .default([]),
  }),
  room: socketPayload({ roomId }),
  /** Adds someone to a private room (its creator only). */
  addMember: socketPayload({ roomId, username: AccountFields.username }),
  /** Takes someone off a private room's members: its creator anyone, a member themselves. */
  removeMember: socketPayload({ roomId, userId: field.uuid() }),
  openDirect: socketPayload({ username: AccountFields.username }),
  send: socketPayload({
    roomId,
    text,
    /** Chosen by the client; a retried send with the same id stores one message, not two. */
    clientMessageId: field.text(ChatRules.clientMessageIdMaxLength),
  }),
  edit: socketPayload({ messageId, text }),
  message: socketPayload({ messageId }),
  typing: socketPayload({ roomId, typing: field.flag() }),
  markRead: socketPayload({ roomId, messageId }),
  /** Everything in a room after a message id: what a reconnecting client missed. */
  missedSince: socketPayload({
    roomId,
    after: messageId,
    limit: field.count(1, ChatRules.historyLimitMax).default(ChatRules.historyLimitMax),
  }),
};
export type CreateRoomRequest = z.input<typeof ChatPayloads.createRoom>;
export type SendMessageRequest = z.input<typeof ChatPayloads.send>;
export type MissedSincePayload = z.output<typeof ChatPayloads.missedSince>;

/**
 * A stored message as its room receives it (`message:new`, `message:edited`, `message:deleted`),
 * with the trace of the work that stored it when there is one.
 */
export const MessageBroadcast = ChatMessageView.extend(SocketTraceFields);
export type MessageBroadcast = z.infer<typeof MessageBroadcast>;

/** A page of a room's history, newest first; `before` is the oldest message id the reader has. */
export const HistoryQuery = strictObject({
  viewerId: field.uuid(),
  roomId,
  before: messageId.optional(),
  limit: field.count(1, ChatRules.historyLimitMax).default(ChatRules.historyLimitDefault),
});

/**
 * `limit` and `offset` of the room list, for the RPC and the REST query alike; from a query string
 * they arrive as text (`coerce`).
 */
export function roomPageShape({ coerce }: { coerce: boolean }) {
  return {
    limit: field
      .count(1, ChatRules.roomListLimitMax, { coerce })
      .default(ChatRules.roomListLimitDefault)
      .meta({ description: 'How many rooms at most' }),
    offset: field
      .count(0, ChatRules.roomListOffsetMax, { coerce })
      .default(0)
      .meta({ description: 'How many rooms to skip: the page after is at offset + limit' }),
  };
}

export const ChatRpc = {
  listRooms: defineRpc(
    'chat.room.list',
    strictObject({ viewerId: field.uuid(), ...roomPageShape({ coerce: false }) }),
    RoomPage,
  ),
  history: defineRpc('chat.message.history', HistoryQuery, MessagePage),
  /** A user's new profile, applied to the users projection before its event arrives. */
  applyUser: defineRpc('chat.user.apply', ProfileSnapshot, ProfileApplied),
} as const;

/** Socket.IO event names. Client to server events are acknowledged with `SocketAck`. */
export const ChatSocket = {
  // client → server
  createRoom: 'room:create',
  joinRoom: 'room:join',
  leaveRoom: 'room:leave',
  addMember: 'room:member:add',
  removeMember: 'room:member:remove',
  openDirect: 'direct:open',
  sendMessage: 'message:send',
  editMessage: 'message:edit',
  deleteMessage: 'message:delete',
  typing: 'typing',
  markRead: 'message:read',
  /** Everything in a room after a message id: what a reconnecting client missed. */
  missedSince: 'messages:since',
  // server → client
  messageCreated: 'message:new',
  messageEdited: 'message:edited',
  messageDeleted: 'message:deleted',
  presence: 'presence',
  roomRemoved: 'room:removed',
  typingChanged: 'typing:changed',
  readReceipt: 'message:read-by',
  tokenExpired: 'auth:expired',
} as const;

/** Every acknowledgement: the result (read with `data`), or an error a person can read. */
export function SocketAck<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]);
}
export type SocketAck<T> = z.output<ReturnType<typeof SocketAck<z.ZodType<T>>>>;

export const ChatMessageEventData = z.object({
  messageId: z.string(),
  roomId: z.string(),
  authorId: z.string().nullable(),
});
export type ChatMessageEventData = z.infer<typeof ChatMessageEventData>;

export const ChatEvents = {
  messagePosted: defineEvent('chat.message.posted', ChatMessageEventData),
} as const;
