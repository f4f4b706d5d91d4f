// The rooms list, with unread counts, a page at a time; opening a room (and joining it again after
// a reconnection); creating a public room and opening a direct conversation.
import { ChatSocket } from './contracts.js';
import { $, roomLabel, showChatError } from './dom.js';
import { loadOlder, renderMessage, setComposer } from './messages.js';
import { clearPresence, clearTyping } from './presence.js';
import { api } from './session.js';
import { emit } from './socket.js';
import { state } from './state.js';

export function listenForRooms(socket) {
  socket.on('connect', () => {
    if (state.room) rejoin().catch(showChatError);
  });
  // Taken off a private room's members: it leaves the list, and the page if it was open.
  socket.on(ChatSocket.roomRemoved, ({ roomId }) => {
    state.rooms = state.rooms.filter((room) => room.id !== roomId);
    if (state.room?.id === roomId) closeRoom();
    renderRooms();
  });
  // A message in another room than the open one counts as unread there.
  socket.on(ChatSocket.messageCreated, (message) => {
    if (message.roomId === state.room?.id) return;
    const room = state.rooms.find((candidate) => candidate.id === message.roomId);
    if (room) room.unread += 1;
    renderRooms();
  });
}

/** The first page of the list, most recently active first. */
export async function loadRooms() {
  const page = await api('GET', '/api/chat/rooms');
  state.rooms = page.rooms;
  state.moreRooms = page.hasMore;
  renderRooms();
}

/** The next page, after the rooms shown; a room that moved up meanwhile is shown once. */
async function loadMoreRooms() {
  const page = await api('GET', `/api/chat/rooms?offset=${state.rooms.length}`);
  const shown = new Set(state.rooms.map((room) => room.id));
  state.rooms.push(...page.rooms.filter((room) => !shown.has(room.id)));
  state.moreRooms = page.hasMore;
  renderRooms();
}

function renderRooms() {
  $('#more-rooms').hidden = !state.moreRooms;
  $('#rooms').replaceChildren(
    ...state.rooms.map((room) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('aria-current', String(room.id === state.room?.id));
      const name = document.createElement('span');
      name.textContent = roomLabel(room);
      button.append(name);
      if (room.unread > 0 && room.id !== state.room?.id) {
        const unread = document.createElement('span');
        unread.className = 'unread';
        unread.textContent = String(room.unread);
        button.append(unread);
      }
      button.addEventListener('click', () => openRoom(room).catch(showChatError));
      item.append(button);
      return item;
    }),
  );
}

async function openRoom(room) {
  state.room = room;
  clearTyping();
  clearPresence();
  room.unread = 0;
  renderRooms();
  $('#room-title').textContent = roomLabel(room);
  $('#message-list').replaceChildren();
  state.oldestId = state.newestId = null;
  await emit(ChatSocket.joinRoom, { roomId: room.id });
  await loadOlder();
  setComposer(true);
}

function closeRoom() {
  state.room = null;
  clearTyping();
  clearPresence();
  $('#room-title').textContent = 'Pick a room';
  $('#message-list').replaceChildren();
  state.oldestId = state.newestId = null;
  setComposer(false);
}

/** After a reconnection: join again and fetch exactly what was missed. */
async function rejoin() {
  await emit(ChatSocket.joinRoom, { roomId: state.room.id });
  if (!state.newestId) return loadOlder();
  let page;
  do {
    page = await emit(ChatSocket.missedSince, { roomId: state.room.id, after: state.newestId });
    for (const message of page.messages) renderMessage(message);
  } while (page.hasMore);
}

/** The forms that create a public room or open a direct one, then show it; the next page. */
export function bindRoomForms() {
  $('#more-rooms').addEventListener('click', () => loadMoreRooms().catch(showChatError));
  for (const [id, field, open] of [
    ['#new-room-form', 'name', (name) => emit(ChatSocket.createRoom, { name, kind: 'public' })],
    ['#direct-form', 'username', (username) => emit(ChatSocket.openDirect, { username })],
  ]) {
    $(id).addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = String(new FormData(event.target).get(field)).trim();
      try {
        const room = await open(value);
        event.target.reset();
        await loadRooms();
        await openRoom(state.rooms.find((candidate) => candidate.id === room.id) ?? room);
      } catch (error) {
        showChatError(error);
      }
    });
  }
}
