// Who is online in the open room, and who is typing in it.
import { ChatSocket } from './contracts.js';
import { $ } from './dom.js';
import { state } from './state.js';

/** How often this page says it is typing, and how long another's "typing" lasts unrenewed. */
const TYPING_SIGNAL_EVERY_MS = 2_000;
const TYPING_FADES_AFTER_MS = 5_000;

/**
 * Who is online in the open room. Joining it brings the whole list (a `snapshot`); after that the
 * room sends `changes` (someone came online or went offline), numbered in the order they
 * happened: a change applies if its number is above the snapshot's and above the last change
 * applied for that person, since batches from different servers may arrive in any order.
 */
const presence = { roomId: null, seq: -1, online: new Map(), lastSeq: new Map() };

export function listenForPresence(socket) {
  socket.on(ChatSocket.presence, (event) => {
    if (event.roomId !== state.room?.id) return;
    if (event.kind === 'snapshot') {
      Object.assign(presence, { roomId: event.roomId, seq: event.seq });
      presence.online = new Map(event.online.map((user) => [user.userId, user]));
      presence.lastSeq.clear();
    } else if (event.roomId === presence.roomId) {
      for (const { seq, user, online } of event.changes) applyChange(seq, user, online);
    }
    renderPresence();
  });
  socket.on(ChatSocket.typingChanged, ({ roomId, user, typing }) => {
    if (roomId !== state.room?.id || user.username === state.session.username) return;
    if (typing) state.typing.set(user.username, Date.now());
    else state.typing.delete(user.username);
    renderTyping();
  });
}

function applyChange(seq, user, online) {
  if (seq <= presence.seq || seq <= (presence.lastSeq.get(user.userId) ?? -1)) return;
  presence.lastSeq.set(user.userId, seq);
  if (online) presence.online.set(user.userId, user);
  else presence.online.delete(user.userId);
}

/** Empties the list when another room opens, until its snapshot arrives. */
export function clearPresence() {
  Object.assign(presence, { roomId: null, seq: -1, online: new Map() });
  presence.lastSeq.clear();
  renderPresence();
}

function renderPresence() {
  const online = [...presence.online.values()].sort((a, b) => a.username.localeCompare(b.username));
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
