import { defineEvent } from './events.js';
import { defineRpc } from './rpc.js';

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
} as const;

export type RoomKind = 'public' | 'private' | 'direct';

export interface ChatUser {
  readonly userId: string;
  readonly username: string;
}

export interface RoomView {
  readonly id: string;
  readonly name: string;
  readonly kind: RoomKind;
  /** For direct conversations: the other person. */
  readonly peer: ChatUser | null;
  readonly memberCount: number;
  readonly lastMessageAt: string | null;
  /** Messages after the last one the viewer has read. */
  readonly unread: number;
}

export interface ChatMessageView {
  readonly id: string;
  readonly roomId: string;
  /** Null for system messages (announcements). */
  readonly author: ChatUser | null;
  readonly text: string;
  readonly createdAt: string;
  readonly editedAt: string | null;
  readonly deleted: boolean;
  readonly clientMessageId: string | null;
}

export interface MessagePage {
  /** Newest first. */
  readonly messages: ChatMessageView[];
  readonly hasMore: boolean;
}

export const ChatRpc = {
  listRooms: defineRpc<{ viewerId: string }, RoomView[]>('chat.room.list'),
  history: defineRpc<
    { viewerId: string; roomId: string; before?: string; limit: number },
    MessagePage
  >('chat.message.history'),
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

export interface CreateRoomRequest {
  readonly name: string;
  readonly kind: 'public' | 'private';
  /** Usernames to add to a private room. */
  readonly members?: string[];
}

export interface SendMessageRequest {
  readonly roomId: string;
  readonly text: string;
  /** Chosen by the client; a retried send with the same id stores one message, not two. */
  readonly clientMessageId: string;
}

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

export interface ChatMessageEventData {
  readonly messageId: string;
  readonly roomId: string;
  readonly authorId: string | null;
}

export const ChatEvents = {
  messagePosted: defineEvent<ChatMessageEventData>('chat.message.posted'),
} as const;
