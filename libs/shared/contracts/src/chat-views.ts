import { z } from 'zod';

/** Limits of the chat, shared by the service, the gateway and the web page. */
export const ChatRules = {
  textMaxLength: 2_000,
  roomNameMaxLength: 60,
  historyLimitDefault: 50,
  historyLimitMax: 100,
  roomListLimitDefault: 50,
  roomListLimitMax: 100,
  /** How deep the room list can be read: skipping costs the database the rooms it skips. */
  roomListOffsetMax: 10_000,
  roomsPerUserMax: 50,
  membersPerRoomMax: 500,
  /** Socket.IO frames larger than this are refused. */
  payloadMaxBytes: 16_384,
  /** A client's own id for a message it sends; long enough for a UUID and then some. */
  clientMessageIdMaxLength: 100,
  /** W3C Trace Context asks that a `tracestate` of up to 512 characters be passed on whole. */
  tracestateMaxLength: 512,
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

/** A page of the room list, most recently active first; `hasMore` says a next page has rooms. */
export const RoomPage = z.object({ rooms: z.array(RoomView), hasMore: z.boolean() });
export type RoomPage = z.infer<typeof RoomPage>;

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

/**
 * Who is in a room, sent to a connection when it joins: everyone online there as of the room's
 * presence change number `seq`. Later changes come as `PresenceChanges`.
 */
export const PresenceSnapshot = z.object({
  kind: z.literal('snapshot'),
  roomId: z.string(),
  seq: z.number().int(),
  online: z.array(ChatUser),
});
export type PresenceSnapshot = z.infer<typeof PresenceSnapshot>;

/**
 * Someone came online in a room (their first connection joined it) or went offline (their last
 * one left). `seq` numbers a room's changes in the order they happened, whichever instance made
 * them: a client applies a change only if its `seq` is above the snapshot's and above the last
 * change it applied for that user, so batches may arrive in any order.
 */
export const PresenceChange = z.object({
  seq: z.number().int(),
  user: ChatUser,
  online: z.boolean(),
});
export type PresenceChange = z.infer<typeof PresenceChange>;

/** The presence changes of a room over a short window, sent to everyone in it. */
export const PresenceChanges = z.object({
  kind: z.literal('changes'),
  roomId: z.string(),
  changes: z.array(PresenceChange),
});
export type PresenceChanges = z.infer<typeof PresenceChanges>;

/** What the `presence` event carries: the whole list to a joiner, changes to the others. */
export const PresenceEvent = z.discriminatedUnion('kind', [PresenceSnapshot, PresenceChanges]);
export type PresenceEvent = z.infer<typeof PresenceEvent>;

/** A private room's member list changed and this connection's user is no longer on it. */
export const RoomRemovalNotice = z.object({ roomId: z.string() });
export type RoomRemovalNotice = z.infer<typeof RoomRemovalNotice>;

export const TypingView = z.object({ roomId: z.string(), user: ChatUser, typing: z.boolean() });
export type TypingView = z.infer<typeof TypingView>;

/** Someone has read a room up to `messageId`. */
export const ReadReceiptView = z.object({
  roomId: z.string(),
  user: ChatUser,
  messageId: z.string(),
});
export type ReadReceiptView = z.infer<typeof ReadReceiptView>;

/** Why the server is about to end a connection (token expired, session revoked). */
export const ConnectionEndingNotice = z.object({ message: z.string() });
export type ConnectionEndingNotice = z.infer<typeof ConnectionEndingNotice>;
