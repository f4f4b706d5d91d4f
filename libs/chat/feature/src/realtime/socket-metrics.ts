import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('@capstone/chat');

const connections = meter.createUpDownCounter('capstone.chat.connections', {
  unit: '{connection}',
  description: 'Authenticated Socket.IO connections this instance holds',
});

const events = meter.createCounter('capstone.chat.socket.events', {
  unit: '{event}',
  description: 'Socket.IO events received from clients, by event and result (ok, refused, error)',
});

/** `refused`: the client's fault (invalid, forbidden, rate-limited); `error`: the server's. */
export type SocketEventResult = 'ok' | 'refused' | 'error';

export function countConnection(change: 1 | -1): void {
  connections.add(change);
}

export function countSocketEvent(event: string, result: SocketEventResult): void {
  events.add(1, { 'socketio.event': event, 'socketio.result': result });
}
