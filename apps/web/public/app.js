// The Capstone demo page: REST for accounts, rooms and history; Socket.IO for everything live.
// No framework, on purpose: every DOM update is visible here. Text from users is always set with
// textContent, never innerHTML, so a message can never become markup.

const $ = (selector) => document.querySelector(selector);
const SESSION_KEY = 'capstone.session';
const HISTORY_PAGE = 30;

const state = {
  session: JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null'),
  socket: null,
  rooms: [],
  room: null,
  oldestId: null,
  newestId: null,
  typing: new Map(),
  typingSentAt: 0,
  loadingOlder: false,
};

// ---- REST ---------------------------------------------------------------------------------

async function api(method, path, body, retried = false) {
  const headers = { 'content-type': 'application/json' };
  if (state.session) headers.authorization = `Token ${state.session.token}`;
  const response = await fetch(path, { method, headers, body: body && JSON.stringify(body) });
  if (response.status === 401 && state.session && !retried && (await refreshSession())) {
    return api(method, path, body, true);
  }
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(describeErrors(data));
  return data;
}

function describeErrors(data) {
  const errors = data?.errors ?? { request: ['failed'] };
  return Object.entries(errors)
    .map(([field, messages]) => `${field} ${messages.join(', ')}`)
    .join('; ');
}

function saveSession(user) {
  state.session = { token: user.token, refreshToken: user.refreshToken, username: user.username };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
}

async function refreshSession() {
  const response = await fetch('/api/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: state.session.refreshToken }),
  });
  if (!response.ok) {
    signOut();
    return false;
  }
  saveSession((await response.json()).user);
  return true;
}

// ---- Accounts -----------------------------------------------------------------------------

function bindAuthForms() {
  for (const [id, path, fields] of [
    ['#sign-in-form', '/api/users/login', ['email', 'password']],
    ['#sign-up-form', '/api/users', ['username', 'email', 'password']],
  ]) {
    $(id).addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const user = Object.fromEntries(fields.map((field) => [field, String(form.get(field))]));
      try {
        $('#auth-error').textContent = '';
        saveSession((await api('POST', path, { user })).user);
        startChat();
      } catch (error) {
        $('#auth-error').textContent = error.message;
      }
    });
  }
  $('#sign-out').addEventListener('click', () => {
    api('POST', '/api/auth/logout').catch(() => undefined);
    signOut();
  });
}

function signOut() {
  state.socket?.disconnect();
  state.session = null;
  sessionStorage.removeItem(SESSION_KEY);
  $('#chat').hidden = true;
  $('#whoami').hidden = true;
  $('#auth').hidden = false;
}

// ---- Socket -------------------------------------------------------------------------------

function emit(event, payload) {
  return new Promise((resolve, reject) =>
    state.socket.timeout(10_000).emit(event, payload, (timeoutError, ack) => {
      if (timeoutError) return reject(new Error('the server did not answer'));
      return ack.ok ? resolve(ack.data) : reject(new Error(ack.error));
    }),
  );
}

function connect() {
  // A function, so every reconnection sends the current (possibly refreshed) token.
  const socket = io({
    transports: ['websocket'],
    auth: (send) => send({ token: state.session?.token }),
  });
  state.socket = socket;
  socket.on('connect', async () => {
    setConnection(true);
    if (state.room) await rejoin();
  });
  socket.on('disconnect', () => setConnection(false));
  socket.on('connect_error', async (error) => {
    setConnection(false);
    if (/expired/.test(error.message) && (await refreshSession())) socket.connect();
  });
  socket.on('auth:expired', async () => {
    if (await refreshSession()) {
      socket.disconnect();
      socket.connect();
    }
  });
  socket.on('message:new', (message) => {
    if (message.roomId === state.room?.id) {
      renderMessage(message);
      markRead(message);
    } else {
      const room = state.rooms.find((candidate) => candidate.id === message.roomId);
      if (room) room.unread += 1;
      renderRooms();
    }
  });
  socket.on('message:edited', (message) => renderMessage(message));
  socket.on('message:deleted', (message) => renderMessage(message));
  socket.on('presence', (presence) => {
    if (presence.roomId === state.room?.id) renderPresence(presence.online);
  });
  socket.on('typing:changed', ({ roomId, user, typing }) => {
    if (roomId !== state.room?.id || user.username === state.session.username) return;
    if (typing) state.typing.set(user.username, Date.now());
    else state.typing.delete(user.username);
    renderTyping();
  });
}

function setConnection(online) {
  $('#connection').textContent = online ? 'online' : 'offline — reconnecting';
  $('#connection').classList.toggle('online', online);
}

// ---- Rooms --------------------------------------------------------------------------------

async function loadRooms() {
  state.rooms = (await api('GET', '/api/chat/rooms')).rooms;
  renderRooms();
}

function renderRooms() {
  const list = $('#rooms');
  list.replaceChildren(
    ...state.rooms.map((room) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('aria-current', String(room.id === state.room?.id));
      const name = document.createElement('span');
      name.textContent =
        room.kind === 'direct' ? `@${room.peer?.username ?? room.name}` : `#${room.name}`;
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
  state.typing.clear();
  renderTyping();
  room.unread = 0;
  renderRooms();
  $('#room-title').textContent =
    room.kind === 'direct' ? `@${room.peer?.username ?? room.name}` : `#${room.name}`;
  $('#message-list').replaceChildren();
  state.oldestId = state.newestId = null;
  await emit('room:join', { roomId: room.id });
  await loadOlder();
  setComposer(true);
}

/** After a reconnection: join again and fetch exactly what was missed. */
async function rejoin() {
  await emit('room:join', { roomId: state.room.id });
  if (!state.newestId) return loadOlder();
  let page;
  do {
    page = await emit('messages:since', { roomId: state.room.id, after: state.newestId });
    for (const message of page.messages) renderMessage(message);
  } while (page.hasMore);
}

async function loadOlder() {
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
  state.socket.emit('message:read', { roomId: message.roomId, messageId: message.id });
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

function renderTyping() {
  const names = [...state.typing.keys()];
  $('#typing').textContent =
    names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

// ---- Messages -----------------------------------------------------------------------------

function renderMessage(message, { prepend = false } = {}) {
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
      await emit('message:edit', { messageId: message.id, text }).then(
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
    emit('message:delete', { messageId: message.id }).then(renderMessage, showChatError),
  );
  actions.append(edit, remove);
  return actions;
}

function setComposer(enabled) {
  for (const control of $('#send-form').elements) control.disabled = !enabled;
}

function bindChatForms() {
  const textarea = $('#send-form textarea');
  $('#send-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text || !state.room) return;
    textarea.value = '';
    // The id makes a retried send (after a reconnection) store one message, not two.
    const request = { roomId: state.room.id, text, clientMessageId: crypto.randomUUID() };
    try {
      renderMessage(await emit('message:send', request));
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
  textarea.addEventListener('input', () => {
    if (!state.room || Date.now() - state.typingSentAt < 2_000) return;
    state.typingSentAt = Date.now();
    state.socket.emit('typing', { roomId: state.room.id, typing: true });
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
  $('#new-room-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = String(new FormData(event.target).get('name')).trim();
    try {
      const room = await emit('room:create', { name, kind: 'public' });
      event.target.reset();
      await loadRooms();
      await openRoom(state.rooms.find((candidate) => candidate.id === room.id) ?? room);
    } catch (error) {
      showChatError(error);
    }
  });
  $('#direct-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = String(new FormData(event.target).get('username')).trim();
    try {
      const room = await emit('direct:open', { username });
      event.target.reset();
      await loadRooms();
      await openRoom(state.rooms.find((candidate) => candidate.id === room.id) ?? room);
    } catch (error) {
      showChatError(error);
    }
  });
  // Typing indicators fade if the "stopped typing" signal never comes.
  setInterval(() => {
    for (const [name, at] of state.typing) if (Date.now() - at > 5_000) state.typing.delete(name);
    renderTyping();
  }, 1_000);
}

function showChatError(error) {
  $('#chat-error').textContent = error.message;
}

// ---- Start --------------------------------------------------------------------------------

async function startChat() {
  $('#auth').hidden = true;
  $('#chat').hidden = false;
  $('#whoami').hidden = false;
  $('#whoami-name').textContent = state.session.username;
  connect();
  await loadRooms().catch(showChatError);
}

bindAuthForms();
bindChatForms();
if (state.session) startChat();
