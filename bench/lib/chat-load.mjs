// One bench:chat scenario against a set of servers (the chat's instances, or the bare Socket.IO
// baseline): connect the clients, let them all join one room (the join storm), read each server's
// memory after a GC while it holds its share of the sockets, then send messages at a steady rate
// and measure their delivery (chat-send.mjs).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { EVENTS } from './chat-protocol.mjs';
import { sendAndMeasure } from './chat-send.mjs';
import { memoryAfterGc } from './inspector.mjs';
import { startWindow } from './machine.mjs';

/** Each server's `process.memoryUsage()` after a full GC, read through its inspector. */
function memoryOf(servers) {
  return Promise.all(servers.map(({ inspectPort }) => memoryAfterGc(inspectPort)));
}

/**
 * Runs one scenario. `servers` are `{ name, url, inspectPort }`; the clients are spread evenly
 * over them. `tracked` are the processes whose CPU is measured. `load` holds what every scenario
 * shares (see chat-fanout.mjs). Returns the figures and `close()`, which disconnects the clients.
 */
export async function runScenario({ name, servers, tracked }, load) {
  const log = (text) => console.error(`[${name}] ${text}`);
  const sockets = [];
  const counters = { presence: 0, lastPresenceAt: 0, disconnects: 0 };
  const connect = (index) =>
    new Promise((resolve, reject) => {
      const socket = load.socketClient(servers[index % servers.length].url, {
        transports: ['websocket'],
        auth: { token: load.tokenOf(index) },
        forceNew: true,
        reconnection: false,
      });
      sockets[index] = socket; // closed at the end even if it never connects
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) =>
        reject(new Error(`client ${index}: ${error.message}`)),
      );
      socket.on(EVENTS.presence, () => {
        counters.presence += 1;
        counters.lastPresenceAt = performance.now();
      });
      socket.on('disconnect', () => (counters.disconnects += 1));
    });
  const ask = async (socket, event, payload) => {
    const ack = await socket.timeout(load.joinTimeoutMs).emitWithAck(event, payload);
    if (!ack.ok) throw new Error(`${event}: ${ack.error}`);
    return ack.data;
  };
  const inBatches = async (work) => {
    for (let first = 0; first < load.clientCount; first += load.joinBatch) {
      const size = Math.min(load.joinBatch, load.clientCount - first);
      await Promise.all(Array.from({ length: size }, (_, i) => work(first + i)));
    }
  };
  const close = async () => {
    for (const socket of sockets) socket?.close();
    await delay(1_000);
  };

  try {
    const idle = await memoryOf(servers);
    const connectStarted = performance.now();
    await inBatches(connect);
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const { id: roomId } = await ask(sockets[0], EVENTS.createRoom, {
      name: `fanout-${randomUUID().slice(0, 8)}`,
      kind: 'public',
    });

    // The join storm, JOIN_BATCH joins in flight at a time. Each joiner gets the room's presence
    // and the others its change (the chat batches them; the bare server sends no presence); the
    // CPU window ends with the last ack.
    const joinWindow = startWindow(tracked);
    const joinStarted = performance.now();
    await inBatches((index) => ask(sockets[index], EVENTS.joinRoom, { roomId }));
    const joinAckSeconds = (performance.now() - joinStarted) / 1000;
    const joinCpu = joinWindow.end();
    // Presence has settled once none arrived for a second.
    for (let seen = -1; seen !== counters.presence;) {
      seen = counters.presence;
      await delay(1_000);
    }
    const settledSeconds =
      (Math.max(counters.lastPresenceAt, joinStarted + joinAckSeconds * 1000) - joinStarted) / 1000;
    log(
      `${sockets.length} clients connected in ${connectSeconds.toFixed(1)} s, joined in ` +
        `${joinAckSeconds.toFixed(1)} s, presence settled after ${settledSeconds.toFixed(1)} s`,
    );
    const holding = await memoryOf(servers);
    const presenceDuringJoin = counters.presence;

    const sent = await sendAndMeasure({ sockets, roomId, tracked, log }, load);
    const afterSending = await memoryOf(servers);
    return {
      name,
      roomId,
      connectSeconds,
      joinAckSeconds,
      settledSeconds,
      presenceEvents: presenceDuringJoin,
      joinCpu,
      memory: { idle, holding, afterSending },
      disconnects: counters.disconnects,
      ...sent,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
