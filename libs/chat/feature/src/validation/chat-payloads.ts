import { AccountRules, ChatRules } from '@capstone/contracts';
import { z } from 'zod';
import { field } from './payload.js';

/** A client's own id for a message it sends; long enough for a UUID and then some. */
export const CLIENT_MESSAGE_ID_MAX_LENGTH = 100;

const object = <T extends z.ZodRawShape>(shape: T) => z.object(shape, 'must be an object');

/** What clients send with each `ChatSocket` event, and what the RPC requests carry. */
export const ChatPayloads = {
  createRoom: object({
    name: field.text(ChatRules.roomNameMaxLength),
    kind: z.enum(['public', 'private'], 'must be public or private'),
    members: z
      .array(z.string('must be usernames'), 'must be a list of usernames')
      .max(
        ChatRules.membersPerRoomMax - 1,
        `has too many members (maximum is ${ChatRules.membersPerRoomMax})`,
      )
      .default([]),
  }),
  room: object({ roomId: field.id() }),
  openDirect: object({ username: field.text(AccountRules.usernameMaxLength) }),
  send: object({
    roomId: field.id(),
    text: field.text(ChatRules.textMaxLength),
    clientMessageId: field.text(CLIENT_MESSAGE_ID_MAX_LENGTH),
  }),
  edit: object({ messageId: field.id(), text: field.text(ChatRules.textMaxLength) }),
  message: object({ messageId: field.id() }),
  typing: object({ roomId: field.id(), typing: z.boolean('must be true or false') }),
  markRead: object({ roomId: field.id(), messageId: field.id() }),
  missedSince: object({
    roomId: field.id(),
    after: field.id(),
    limit: field.limit(ChatRules.historyLimitMax).default(ChatRules.historyLimitMax),
  }),
  history: object({
    viewerId: z.string(),
    roomId: field.id(),
    before: field.id().optional(),
    limit: field.limit(ChatRules.historyLimitMax),
  }),
  listRooms: object({ viewerId: z.string() }),
};

export type MissedSincePayload = z.infer<typeof ChatPayloads.missedSince>;
