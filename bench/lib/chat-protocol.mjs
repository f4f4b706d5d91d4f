// What bench:chat and its baseline server need to know of the chat's socket protocol.

/** The chat's default per-user send limit (`RATE_LIMIT_SENDS_PER_USER` in its configuration). */
export const RULES = { messagesPerWindow: 10, rateWindowMs: 5_000 };

/** Socket.IO event names (`ChatSocket` in @capstone/contracts). */
export const EVENTS = {
  createRoom: 'room:create',
  joinRoom: 'room:join',
  sendMessage: 'message:send',
  messageCreated: 'message:new',
  presence: 'presence',
};
