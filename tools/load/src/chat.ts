import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { freshToken, type VirtualUser } from './accounts.ts';
import type { GatewayHttp } from './http.ts';
import type { Outcome, Recorder } from './stats.ts';

/** An acknowledgement nobody got in this long is a timeout (the chat answers within seconds). */
const ACK_TIMEOUT_MS = 10_000;

interface Ack {
  readonly ok: boolean;
  readonly data?: { id?: unknown };
  readonly error?: string;
}

interface Member {
  readonly user: VirtualUser;
  socket?: Socket;
  joined: boolean;
  /** A connection being opened, so that sends meanwhile wait for it rather than open another. */
  opening?: Promise<boolean>;
}

/** A send this run made, until every other member of the room received it. */
interface Pending {
  readonly sentAt: number;
  remaining: number;
}

/**
 * The virtual users in one public chat room, each over its own Socket.IO connection (WebSocket
 * only, as the page connects through the gateway). A send is timed to its acknowledgement (the
 * chat stored it); each other member's `message:new` is timed from the send, which is the
 * delivery latency a reader sees, and counted against how many deliveries were due.
 */
export class ChatRoom {
  private readonly http: GatewayHttp;
  private readonly members = new Map<VirtualUser, Member>();
  private readonly pending = new Map<string, Pending>();
  private readonly deliveries: Recorder;
  private recorder: Recorder;
  private roomId = '';
  /** Deliveries due to the other members for the sends the chat acknowledged. */
  expected = 0;
  /** Of those, the ones that arrived. */
  received = 0;

  constructor(
    http: GatewayHttp,
    users: readonly VirtualUser[],
    recorders: { setup: Recorder; deliveries: Recorder },
  ) {
    this.http = http;
    this.recorder = recorders.setup;
    this.deliveries = recorders.deliveries;
    for (const user of users) this.members.set(user, { user, joined: false });
  }

  /** Finds the public room of that name (or creates it) and brings every member into it. */
  async open(name: string): Promise<void> {
    const [first] = this.members.values();
    if (!first) return;
    const rooms = await this.http.request('chat rooms', 'GET', '/api/chat/rooms?limit=100', {
      token: first.user.token,
    });
    const found = (
      rooms.body as { rooms?: { id: string; name: string; kind: string }[] } | undefined
    )?.rooms?.find((room) => room.name === name && room.kind === 'public');
    if (found) this.roomId = found.id;
    else {
      const socket = await this.connect(first);
      if (!socket) throw new Error('cannot connect to the chat: see "chat connect" below');
      const ack = await this.ask(socket, 'chat create room', 'room:create', {
        name,
        kind: 'public',
      });
      if (typeof ack?.data?.id !== 'string')
        throw new Error(`cannot create the chat room: ${ack?.error}`);
      this.roomId = ack.data.id;
    }
    await Promise.all([...this.members.values()].map((member) => this.ensureJoined(member)));
  }

  /** From now on, reconnections count as the run's operations, not the setup's. */
  recordInto(recorder: Recorder): void {
    this.recorder = recorder;
  }

  async send(user: VirtualUser): Promise<void> {
    const member = this.members.get(user);
    if (!member || !(await this.ensureJoined(member)) || !member.socket) return;
    const clientMessageId = randomUUID();
    const due = [...this.members.values()].filter(
      (other) => other !== member && other.joined,
    ).length;
    if (due > 0) this.pending.set(clientMessageId, { sentAt: performance.now(), remaining: due });
    const ack = await this.ask(member.socket, 'chat send', 'message:send', {
      roomId: this.roomId,
      text: `Hello from ${user.username}`,
      clientMessageId,
    });
    if (ack?.ok) this.expected += due;
    else this.pending.delete(clientMessageId);
  }

  /** Waits a little for deliveries still on their way, then closes every connection. */
  async close(graceMs = 3_000): Promise<void> {
    const until = performance.now() + graceMs;
    while (this.pending.size > 0 && performance.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 50));
    for (const member of this.members.values()) member.socket?.close();
  }

  private ensureJoined(member: Member): Promise<boolean> {
    if (member.joined && member.socket?.connected) return Promise.resolve(true);
    member.opening ??= this.join(member).finally(() => (member.opening = undefined));
    return member.opening;
  }

  private async join(member: Member): Promise<boolean> {
    const socket = member.socket?.connected ? member.socket : await this.connect(member);
    if (!socket) return false;
    const ack = await this.ask(socket, 'chat join', 'room:join', { roomId: this.roomId });
    member.joined = ack?.ok === true;
    return member.joined;
  }

  private async connect(member: Member): Promise<Socket | undefined> {
    member.socket?.close();
    const token = await freshToken(this.http, member.user);
    const socket = io(this.http.url, {
      path: '/socket.io',
      auth: { token },
      transports: ['websocket'],
      // The load reconnects by itself, with a fresh token and a new join, timed like the rest.
      reconnection: false,
      forceNew: true,
    });
    member.socket = socket;
    socket.on('disconnect', () => (member.joined = false));
    socket.on('message:new', (message: { clientMessageId?: unknown }) => this.delivered(message));
    const startedAt = performance.now();
    const outcome = await new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), ACK_TIMEOUT_MS);
      const settle = (result: Outcome) => {
        clearTimeout(timer);
        resolve(result);
      };
      socket.once('connect', () => settle('ok'));
      socket.once('connect_error', (error) => settle(refusal(error.message)));
    });
    this.recorder.record('chat connect', performance.now() - startedAt, outcome);
    if (outcome === 'ok') return socket;
    socket.close();
    return undefined;
  }

  private async ask(
    socket: Socket,
    label: string,
    event: string,
    payload: object,
  ): Promise<Ack | undefined> {
    const startedAt = performance.now();
    let ack: Ack | undefined;
    let outcome: Outcome;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as Ack;
      outcome = ack.ok ? 'ok' : refusal(ack.error ?? '');
    } catch {
      outcome = socket.connected ? 'timeout' : 'disconnected';
    }
    this.recorder.record(label, performance.now() - startedAt, outcome);
    return ack;
  }

  private delivered(message: { clientMessageId?: unknown }): void {
    const id = typeof message.clientMessageId === 'string' ? message.clientMessageId : '';
    const pending = this.pending.get(id);
    if (!pending) return;
    this.received += 1;
    this.deliveries.record('chat receive', performance.now() - pending.sentAt, 'ok');
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.pending.delete(id);
  }
}

/** The chat's refusals by kind: `rate limit: …` is the one a learner tunes. */
function refusal(error: string): Outcome {
  if (error.startsWith('rate limit')) return 'rate limited';
  if (error.startsWith('too many connections')) return 'too many connections';
  return 'refused';
}
