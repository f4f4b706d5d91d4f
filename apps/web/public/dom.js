// Small helpers for the page's elements. Text from users is always set with textContent, never
// innerHTML, so a message can never become markup.

export const $ = (selector) => document.querySelector(selector);

/** Shows what went wrong in the chat, under the composer. */
export function showChatError(error) {
  $('#chat-error').textContent = error.message;
}

/** How a room is named in the list and the title: `#lobby`, or `@ada` for a direct one. */
export function roomLabel(room) {
  return room.kind === 'direct' ? `@${room.peer?.username ?? room.name}` : `#${room.name}`;
}
