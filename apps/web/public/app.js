// The Capstone demo page: REST for accounts, rooms and history; Socket.IO for everything live.
// No framework, on purpose: every DOM update is visible in these modules, one per concern
// (session, socket, rooms, messages, presence). `contracts.js` is not a file here: the gateway
// serves it from libs/shared/contracts, so the page's limits and event names are the services'.
import { AccountRules, ChatRules } from './contracts.js';
import { $, showChatError } from './dom.js';
import { bindComposer, listenForMessages } from './messages.js';
import { bindTypingSignal, listenForPresence } from './presence.js';
import { bindRoomForms, listenForRooms, loadRooms } from './rooms.js';
import { bindAuthForms, restoreSession } from './session.js';
import { connect } from './socket.js';
import { state } from './state.js';

/** The limits the services enforce, on the inputs: the browser stops what they would refuse. */
function applyLimits() {
  for (const input of document.querySelectorAll('input[name=username]'))
    input.maxLength = AccountRules.usernameMaxLength;
  for (const input of document.querySelectorAll('input[name=email]'))
    input.maxLength = AccountRules.emailMaxLength;
  for (const input of document.querySelectorAll('input[name=password]'))
    input.maxLength = AccountRules.passwordMaxLength;
  $('#sign-up-form input[name=password]').minLength = AccountRules.passwordMinLength;
  $('#new-room-form input[name=name]').maxLength = ChatRules.roomNameMaxLength;
  $('#send-form textarea').maxLength = ChatRules.textMaxLength;
}

async function startChat() {
  $('#auth').hidden = true;
  $('#chat').hidden = false;
  $('#whoami').hidden = false;
  $('#whoami-name').textContent = state.session.username;
  const socket = connect();
  listenForRooms(socket);
  listenForMessages(socket);
  listenForPresence(socket);
  await loadRooms().catch(showChatError);
}

applyLimits();
bindAuthForms(startChat);
bindRoomForms();
bindComposer();
bindTypingSignal();
if (restoreSession()) startChat();
