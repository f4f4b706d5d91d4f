// The Socket.IO connection through the gateway: one per signed-in page, reconnecting with a fresh
// token after it expires. `io` is the Socket.IO client, which index.html loads from the gateway.
import { ChatSocket } from './contracts.js';
import { $ } from './dom.js';
import { refreshSession } from './session.js';
import { state } from './state.js';

/** Sends a client → server event and waits for its acknowledgement: its data, or its error. */
export function emit(event, payload) {
  return new Promise((resolve, reject) =>
    state.socket.timeout(10_000).emit(event, payload, (timeoutError, ack) => {
      if (timeoutError) return reject(new Error('the server did not answer'));
      return ack.ok ? resolve(ack.data) : reject(new Error(ack.error));
    }),
  );
}

/** Connects, and shows whether the page is online; the features add their own listeners. */
export function connect() {
  // A function, so every reconnection sends the current (possibly refreshed) token.
  const socket = io({
    transports: ['websocket'],
    auth: (send) => send({ token: state.session?.token }),
  });
  state.socket = socket;
  socket.on('connect', () => setConnection(true));
  socket.on('disconnect', () => setConnection(false));
  socket.on('connect_error', async (error) => {
    setConnection(false);
    if (/expired/.test(error.message) && (await refreshSession())) socket.connect();
  });
  socket.on(ChatSocket.tokenExpired, async () => {
    if (await refreshSession()) {
      socket.disconnect();
      socket.connect();
    }
  });
  return socket;
}

function setConnection(online) {
  $('#connection').textContent = online ? 'online' : 'offline — reconnecting';
  $('#connection').classList.toggle('online', online);
}
