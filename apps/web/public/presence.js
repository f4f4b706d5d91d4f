// Who is online in the open room, and who is typing in it.
import { ChatSocket } from './contracts.js';
import { $ } from './dom.js';
import { state } from './state.js';

/** How often this page says it is typing, and how long another's "typing" lasts unrenewed. */
const TYPING_SIGNAL_EVERY_MS = 2_000;
const TYPING_FADES_AFTER_MS = 5_000;

export function listenForPresence(socket) {
  socket.on(ChatSocket.presence, (presence) => {
    if (presence.roomId === state.room?.id) renderPresence(presence.online);
  });
  socket.on(ChatSocket.typingChanged, ({ roomId, user, typing }) => {
    if (roomId !== state.room?.id || user.username === state.session.username) return;
    if (typing) state.typing.set(user.username, Date.now());
    else state.typing.delete(user.username);
    renderTyping();
  });
}

function renderPresence(online) {
  $('#presence').replaceChildren(
    ...online.map((user) => {
      const item = document.createElement('li');
      item.textContent = user.username;
      return item;
    }),
  );
}

export function clearTyping() {
  state.typing.clear();
  renderTyping();
}

function renderTyping() {
  const names = [...state.typing.keys()];
  $('#typing').textContent =
    names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

/** Tells the room while this page's user types, and lets the others' indicators fade. */
export function bindTypingSignal() {
  $('#send-form textarea').addEventListener('input', () => {
    if (!state.room || Date.now() - state.typingSentAt < TYPING_SIGNAL_EVERY_MS) return;
    state.typingSentAt = Date.now();
    state.socket.emit(ChatSocket.typing, { roomId: state.room.id, typing: true });
  });
  // Typing indicators fade if the "stopped typing" signal never comes.
  setInterval(() => {
    for (const [name, at] of state.typing)
      if (Date.now() - at > TYPING_FADES_AFTER_MS) state.typing.delete(name);
    renderTyping();
  }, 1_000);
}
