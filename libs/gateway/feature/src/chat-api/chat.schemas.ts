import { ChatRules, field, roomPageShape, strictObject } from '@capstone/contracts';

/** A page of a room's history over REST; the query string is text, so `limit` is read as a number. */
export const HistoryPageQuery = strictObject({
  before: field
    .objectId()
    .optional()
    .meta({ description: 'Only messages older than this message id' }),
  limit: field
    .count(1, ChatRules.historyLimitMax, { coerce: true })
    .default(ChatRules.historyLimitDefault),
});

/** A room of the path; an id that fits no room is no room (404). */
export const RoomId = field.objectId().meta({ description: "The room's id" });

/** A page of the room list over REST: the RPC's own `limit` and `offset`, read from text. */
export const RoomListQuery = strictObject(roomPageShape({ coerce: true }));
