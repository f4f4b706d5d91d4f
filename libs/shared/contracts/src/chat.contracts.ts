import { z } from 'zod';
import { AccountRules } from './account-rules.js';
import { defineEvent } from './events.js';
import { defineRpc } from './rpc.js';
import { field, strictObject } from './schema/fields.js';

/** The RPC queue the chat service consumes (history and rooms for the REST API). */
export const CHAT_QUEUE = 'chat.rpc';
/** The queue the chat service receives other services' events on. */
export const CHAT_EVENTS_QUEUE = 'chat.events';
/** The public room where new blog articles are announced. */
export const ARTICLES_ROOM_NAME = 'articles';

/** Limits of the chat, shared by the service, the gateway and the web page. */
export const ChatRules = {
  textMaxLength: 2_000,
  roomNameMaxLength: 60,
  historyLimitDefault: 50,
  historyLimitMax: 100,
  roomsPerUserMax: 50,
  membersPerRoomMax: 500,
  /** At most this many messages per user within `rateWindowMs`. */
  messagesPerWindow: 10,
  rateWindowMs: 5_000,
  /** Socket.IO frames larger than this are refused. */
  payloadMaxBytes: 16_384,
  /** A client's own id for a message it sends; long enough for a UUID and then some. */
  clientMessageIdMaxLength: 100,
} as const;

export const RoomKind = z.enum(['public', 'private', 'direct']);
export type RoomKind = z.infer<typeof RoomKind>;

export const ChatUser = z.object({ userId: z.string(), username: z.string() });
export type ChatUser = z.infer<typeof ChatUser>;

export const RoomView = z.object({
  id: z.string(),
  name: z.string(),
  kind: RoomKind,
  /** For direct conversations: the other person. */
  peer: ChatUser.nullable(),
  memberCount: z.number().int(),
  lastMessageAt: z.iso.datetime().nullable(),
  /** Messages after the last one the viewer has read. */
  unread: z.number().int(),
});
export type RoomView = z.infer<typeof RoomView>;

export const ChatMessageView = z.object({
  id: z.string(),
  roomId: z.string(),
  /** Null for system messages (announcements). */
  author: ChatUser.nullable(),
  text: z.string(),
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
  deleted: z.boolean(),
  clientMessageId: z.string().nullable(),
});
export type ChatMessageView = z.infer<typeof ChatMessageView>;

export const MessagePage = z.object({
  /** Newest first. */
  messages: z.array(ChatMessageView),
  hasMore: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePage>;

const roomId = field.objectId();
const messageId = field.objectId();
const text = field.text(ChatRules.textMaxLength);

/** What clients send with each client → server `ChatSocket` event. */
export const ChatPayloads = {
  createRoom: strictObject({
    name: field.text(ChatRules.roomNameMaxLength),
    kind: z.enum(['public', 'private'], 'must be public or private'),
    /** Usernames to add to a private room. */
    members: z
      .array(field.text(AccountRules.usernameMaxLength), 'must be a list of usernames')
      .max(
        ChatRules.membersPerRoomMax - 1,
        `has too many members (maximum is ${ChatRules.membersPerRoomMax})`,
      )
      .default([]),
  }),
  room: strictObject({ roomId }),
  openDirect: strictObject({ username: field.text(AccountRules.usernameMaxLength) }),
  send: strictObject({
    roomId,
    text,
    /** Chosen by the client; a retried send with the same id stores one message, not two. */
    clientMessageId: field.text(ChatRules.clientMessageIdMaxLength),
  }),
  edit: strictObject({ messageId, text }),
  message: strictObject({ messageId }),
  typing: strictObject({ roomId, typing: field.flag() }),
  markRead: strictObject({ roomId, messageId }),
  /** Everything in a room after a message id: what a reconnecting client missed. */
  missedSince: strictObject({
    roomId,
    after: messageId,
    limit: field.count(1, ChatRules.historyLimitMax).default(ChatRules.historyLimitMax),
  }),
};
export type CreateRoomRequest = z.input<typeof ChatPayloads.createRoom>;
export type SendMessageRequest = z.input<typeof ChatPayloads.send>;
export type MissedSincePayload = z.output<typeof ChatPayloads.missedSince>;

/** A page of a room's history, newest first; `before` is the oldest message id the reader has. */
export const HistoryQuery = strictObject({
  viewerId: field.uuid(),
  roomId,
  before: messageId.optional(),
  limit: field.count(1, ChatRules.historyLimitMax).default(ChatRules.historyLimitDefault),
});

export const ChatRpc = {
  listRooms: defineRpc(
    'chat.room.list',
    strictObject({ viewerId: field.uuid() }),
    z.array(RoomView),
  ),
  history: defineRpc('chat.message.history', HistoryQuery, MessagePage),
} as const;

/** Socket.IO event names. Client to server events are acknowledged with `SocketAck`. */
export const ChatSocket = {
  // client → server
  createRoom: 'room:create',
  joinRoom: 'room:join',
  leaveRoom: 'room:leave',
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
  typingChanged: 'typing:changed',
  readReceipt: 'message:read-by',
  tokenExpired: 'auth:expired',
} as const;

/** Every acknowledgement: the result, or an error a person can read. */
export type SocketAck<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: string };

export interface PresenceView {
  readonly roomId: string;
  readonly online: ChatUser[];
}

export interface TypingView {
  readonly roomId: string;
  readonly user: ChatUser;
  readonly typing: boolean;
}

export interface ReadReceiptView {
  readonly roomId: string;
  readonly user: ChatUser;
  readonly messageId: string;
}

export const ChatMessageEventData = z.object({
  messageId: z.string(),
  roomId: z.string(),
  authorId: z.string().nullable(),
});
export type ChatMessageEventData = z.infer<typeof ChatMessageEventData>;

export const ChatEvents = {
  messagePosted: defineEvent('chat.message.posted', ChatMessageEventData),
} as const;
