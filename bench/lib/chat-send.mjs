// The send phase of a bench:chat scenario: the sender clients post `load.rate` messages a second
// for `load.duration` seconds, and every other client in the room records when each arrived. The
// send time travels in the message text; senders and receivers live in this one process, so one
// clock measures the delivery latency.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { EVENTS } from './chat-protocol.mjs';
import { startWindow } from './machine.mjs';

const PREFIX = 'fanout ';
/** About 100 bytes of text, like a short chat line, after the sequence number and send time. */
const PADDING = 'x'.repeat(80);

export function percentiles(sorted) {
  const at = (p) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** Records every delivery of the run's messages: its latency, when it arrived, of which message. */
function deliveryRecorder(total, receivers) {
  let latencies = new Float64Array(total * receivers);
  let arrivals = new Float64Array(total * receivers);
  let sequences = new Uint32Array(total * receivers);
  const perMessage = new Uint32Array(total);
  const recorder = { received: 0, foreign: 0, perMessage };
  recorder.onMessage = (message) => {
    const now = performance.now();
    const text = message?.text;
    if (typeof text !== 'string' || !text.startsWith(PREFIX)) return void (recorder.foreign += 1);
    const space = text.indexOf(' ', PREFIX.length);
    const sequence = Number(text.slice(PREFIX.length, space));
    const sentAt = Number(text.slice(space + 1, text.indexOf(' ', space + 1)));
    if (!(Number.isInteger(sequence) && sequence >= 0 && sequence < total))
      return void (recorder.foreign += 1);
    if (recorder.received === latencies.length) {
      const grow = (array) => {
        const bigger = new array.constructor(array.length * 2 + 1024);
        bigger.set(array);
        return bigger;
      };
      [latencies, arrivals, sequences] = [latencies, arrivals, sequences].map(grow);
    }
    latencies[recorder.received] = now - sentAt;
    arrivals[recorder.received] = now;
    sequences[recorder.received] = sequence;
    recorder.received += 1;
    perMessage[sequence] += 1;
  };
  /** Delivery latency percentiles, and how much later than its ack each delivery arrived. */
  recorder.figures = (ackedAt) => {
    const count = recorder.received;
    const afterAck = new Float64Array(count);
    let afterAckCount = 0;
    for (let i = 0; i < count; i += 1) {
      const at = ackedAt[sequences[i]];
      if (!Number.isNaN(at)) afterAck[afterAckCount++] = arrivals[i] - at;
    }
    const delivery = percentiles(latencies.subarray(0, count).sort());
    latencies = arrivals = sequences = undefined;
    return { delivery, afterAck: percentiles(afterAck.subarray(0, afterAckCount).sort()) };
  };
  return recorder;
}

/**
 * Sends `load.rate` messages a second for `load.duration` seconds, round robin over the first
 * `load.senderCount` sockets, waits for the acks and then the deliveries, and returns the figures.
 */
export async function sendAndMeasure({ sockets, roomId, tracked, log }, load) {
  const total = Math.round(load.rate * load.duration);
  const receivers = load.clientCount - 1;
  const recorder = deliveryRecorder(total, receivers);
  for (const socket of sockets) socket.on(EVENTS.messageCreated, recorder.onMessage);

  const ackedAt = new Float64Array(total).fill(NaN);
  const ackLatencies = [];
  const failures = new Map();
  let [acked, failed, pending, maxLagMs] = [0, 0, 0, 0];
  const window = startWindow(tracked);
  const interval = 1_000 / load.rate;
  const started = performance.now();
  for (let sequence = 0; sequence < total; sequence += 1) {
    const due = started + sequence * interval;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    // Round robin: sender i posts every `senderCount` ticks, that is `perSenderRate` a second.
    const socket = sockets[sequence % load.senderCount];
    const sentAt = performance.now();
    pending += 1;
    socket.timeout(30_000).emit(
      EVENTS.sendMessage,
      {
        roomId,
        text: `${PREFIX}${sequence} ${sentAt.toFixed(3)} ${PADDING}`,
        clientMessageId: randomUUID(),
      },
      (error, ack) => {
        pending -= 1;
        if (!error && ack?.ok) {
          acked += 1;
          ackedAt[sequence] = performance.now();
          ackLatencies.push(ackedAt[sequence] - sentAt);
        } else {
          failed += 1;
          const reason = error ? 'no acknowledgement within 30 s' : String(ack?.error);
          failures.set(reason, (failures.get(reason) ?? 0) + 1);
        }
      },
    );
  }
  const sendSeconds = (performance.now() - started) / 1000;
  // Drain: wait for the last acknowledgements, then for deliveries until all expected arrived
  // or none came for 3 s.
  while (pending > 0) await delay(50);
  for (
    let quiet = 0, seen = recorder.received;
    recorder.received < acked * receivers && quiet < 3_000;
  ) {
    await delay(100);
    quiet = recorder.received === seen ? quiet + 100 : 0;
    seen = recorder.received;
  }
  const sendCpu = window.end();
  for (const socket of sockets) socket.off(EVENTS.messageCreated, recorder.onMessage);
  log(
    `sent ${total} in ${sendSeconds.toFixed(1)} s, acked ${acked}, failed ${failed}, ` +
      `deliveries ${recorder.received}/${acked * receivers}`,
  );
  for (const [reason, count] of failures) log(`  ${count} × ${reason}`);

  let incomplete = 0;
  for (let i = 0; i < total; i += 1) if (recorder.perMessage[i] < receivers) incomplete += 1;
  return {
    sent: total,
    sendRate: total / sendSeconds,
    maxLagMs,
    acked,
    failed,
    received: recorder.received,
    expected: acked * receivers,
    incomplete,
    foreign: recorder.foreign,
    ack: percentiles(Float64Array.from(ackLatencies).sort()),
    ...recorder.figures(ackedAt),
    sendCpu,
  };
}
