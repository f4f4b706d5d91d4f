// Accounts and the session: the REST calls with the access token, its refresh when it expires,
// and the sign-in, sign-up and sign-out controls. The session lives in sessionStorage: one tab.
import { $ } from './dom.js';
import { state } from './state.js';

const SESSION_KEY = 'capstone.session';

/** Picks up the session of this tab after a reload; whether there is one. */
export function restoreSession() {
  state.session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  return state.session !== null;
}

/** One REST call; after a 401, refreshes the session once and tries again. */
export async function api(method, path, body, retried = false) {
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

/** Trades the refresh token for new tokens; signs out when that is refused. */
export async function refreshSession() {
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

function signOut() {
  state.socket?.disconnect();
  state.session = null;
  sessionStorage.removeItem(SESSION_KEY);
  $('#chat').hidden = true;
  $('#whoami').hidden = true;
  $('#auth').hidden = false;
}

/** The sign-in and sign-up forms and the sign-out button; `onSignedIn` opens the chat. */
export function bindAuthForms(onSignedIn) {
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
        onSignedIn();
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
