// What the page knows at one moment, shared by its modules: who is signed in, the socket, the
// rooms, the open room and how much of its history is on screen, and who is typing in it.
export const state = {
  session: null,
  socket: null,
  rooms: [],
  /** Whether the room list has a page after the ones shown. */
  moreRooms: false,
  room: null,
  oldestId: null,
  newestId: null,
  typing: new Map(),
  typingSentAt: 0,
  loadingOlder: false,
};
