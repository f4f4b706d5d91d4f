// The open room's messages: its history page by page, the live ones, edits and deletions of one's
// own, read receipts, and the composer.
import { ChatSocket } from './contracts.js';
import { $, showChatError } from './dom.js';
import { api } from './session.js';
import { emit } from './socket.js';
import { state } from './state.js';

const HISTORY_PAGE = 30;

export function listenForMessages(socket) {
  socket.on(ChatSocket.messageCreated, (message) => {
    if (message.roomId !== state.room?.id) return;
    renderMessage(message);
    markRead(message);
  });
  socket.on(ChatSocket.messageEdited, (message) => renderMessage(message));
  socket.on(ChatSocket.messageDeleted, (message) => renderMessage(message));
}

/** The page of history before the oldest message on screen (or the newest page at first). */
export async function loadOlder() {
  const before = state.oldestId ? `&before=${state.oldestId}` : '';
  const page = await api(
    'GET',
    `/api/chat/rooms/${state.room.id}/messages?limit=${HISTORY_PAGE}${before}`,
  );
  const list = $('#messages');
  const heightBefore = list.scrollHeight;
  for (const message of page.messages) renderMessage(message, { prepend: true });
  $('#older').hidden = !page.hasMore;
  if (before) list.scrollTop += list.scrollHeight - heightBefore;
  else list.scrollTop = list.scrollHeight;
  const newest = page.messages[0];
  if (newest) markRead(newest);
}

function markRead(message) {
  state.socket.emit(ChatSocket.markRead, { roomId: message.roomId, messageId: message.id });
}

/** Adds a message, or redraws it in place when it is already shown (edited, deleted). */
export function renderMessage(message, { prepend = false } = {}) {
  const list = $('#message-list');
  const existing = list.querySelector(`[data-id="${CSS.escape(message.id)}"]`);
  const item = existing ?? document.createElement('li');
  item.dataset.id = message.id;
  const mine = message.author?.username === state.session.username;
  item.className = `message${mine ? ' mine' : ''}${message.author ? '' : ' system'}${message.deleted ? ' deleted' : ''}`;

  const meta = document.createElement('div');
  meta.className = 'meta';
  const author = document.createElement('strong');
  author.textContent = message.author?.username ?? 'Capstone';
  const time = document.createElement('time');
  time.dateTime = message.createdAt;
  time.textContent = new Date(message.createdAt).toLocaleTimeString();
  meta.append(author, time);
  if (message.editedAt && !message.deleted)
    meta.append(Object.assign(document.createElement('span'), { textContent: 'edited' }));

  const text = document.createElement('p');
  text.className = 'text';
  text.textContent = message.deleted ? 'message deleted' : message.text;
  item.replaceChildren(meta, text);
  if (mine && !message.deleted) item.append(messageActions(message));

  if (!existing) {
    const scrolledDown =
      $('#messages').scrollHeight - $('#messages').scrollTop - $('#messages').clientHeight < 40;
    if (prepend) list.prepend(item);
    else list.append(item);
    if (!prepend && scrolledDown) $('#messages').scrollTop = $('#messages').scrollHeight;
  }
  if (!state.oldestId || message.id < state.oldestId) state.oldestId = message.id;
  if (!state.newestId || message.id > state.newestId) state.newestId = message.id;
}

function messageActions(message) {
  const actions = document.createElement('div');
  actions.className = 'actions';
  const edit = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'link',
    textContent: 'Edit',
  });
  edit.addEventListener('click', async () => {
    const text = prompt('Edit your message', message.text);
    if (text !== null && text.trim())
      await emit(ChatSocket.editMessage, { messageId: message.id, text }).then(
        renderMessage,
        showChatError,
      );
  });
  const remove = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'link',
    textContent: 'Delete',
  });
  remove.addEventListener('click', () =>
    emit(ChatSocket.deleteMessage, { messageId: message.id }).then(renderMessage, showChatError),
  );
  actions.append(edit, remove);
  return actions;
}

export function setComposer(enabled) {
  for (const control of $('#send-form').elements) control.disabled = !enabled;
}

/** Sending (Enter sends, Shift+Enter starts a line) and loading older history. */
export function bindComposer() {
  const textarea = $('#send-form textarea');
  $('#send-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text || !state.room) return;
    textarea.value = '';
    // The id makes a retried send (after a reconnection) store one message, not two.
    const request = { roomId: state.room.id, text, clientMessageId: crypto.randomUUID() };
    try {
      renderMessage(await emit(ChatSocket.sendMessage, request));
      $('#chat-error').textContent = '';
    } catch (error) {
      textarea.value = text;
      showChatError(error);
    }
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      $('#send-form').requestSubmit();
    }
  });
  $('#older').addEventListener('click', () => loadOlder().catch(showChatError));
  // History on scroll: reaching the top loads the page before it.
  $('#messages').addEventListener('scroll', () => {
    if ($('#messages').scrollTop === 0 && !$('#older').hidden && !state.loadingOlder) {
      state.loadingOlder = true;
      loadOlder()
        .catch(showChatError)
        .finally(() => (state.loadingOlder = false));
    }
  });
}
