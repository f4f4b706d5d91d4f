import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';

/** How one operation of the traffic ended: an HTTP status, a refused chat send, or no answer. */
export type Outcome = number | 'refused' | 'no answer';

export interface Operation {
  readonly kind: 'write article' | 'read articles' | 'log in' | 'send chat message';
  readonly startedAt: number;
  readonly ms: number;
  readonly outcome: Outcome;
}

/** A client gives up on a request after this long: a request that takes it has hung. */
export const CLIENT_TIMEOUT_MS = 20_000;

export interface Account {
  readonly email: string;
  readonly password: string;
  readonly token: string;
  readonly username: string;
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The stack as a client sees it: the gateway's HTTP API and its Socket.IO endpoint. */
export class Gateway {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  async call(path: string, init: RequestInit & { token?: string } = {}): Promise<Reply> {
    const { token, ...rest } = init;
    const response = await fetch(`${this.url}${path}`, {
      ...rest,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Token ${token}` } : {}),
      },
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await response.text();
    const body = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {};
    return { status: response.status, body };
  }

  /** Signs the drill's user in, signing it up first on a stack that has never seen it. */
  async account(name: string): Promise<Account> {
    const email = `${name}@drills.example.com`;
    const password = 'a drill passphrase, long enough';
    let reply = await this.call('/api/users/login', {
      method: 'POST',
      body: JSON.stringify({ user: { email, password } }),
    });
    if (reply.status !== 200) {
      reply = await this.call('/api/users', {
        method: 'POST',
        body: JSON.stringify({ user: { email, password, username: name } }),
      });
    }
    const user = reply.body['user'] as { token?: string; username?: string } | undefined;
    if (!user?.token)
      throw new Error(`cannot sign ${name} in: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { email, password, token: user.token, username: user.username ?? name };
  }

  socket(token: string): Socket {
    return io(this.url, {
      path: '/socket.io',
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
  }
}

/**
 * Traffic a few users would make, in four loops until stopped: one writes an article every 1.5 s
 * (under the per-account write limit), one reads the article list, one logs in every 3 s and one
 * sends a chat message every second. It records every operation and what it was told was saved.
 */
export class Traffic {
  readonly operations: Operation[] = [];
  /** Slugs of the articles the gateway answered 201 for: they must never be lost. */
  readonly savedArticles: string[] = [];
  /** Ids of the chat messages the chat acknowledged: they must never be lost. */
  readonly savedMessages: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly gateway: Gateway;
  private readonly account: Account;
  private readonly roomId: string;

  constructor(gateway: Gateway, account: Account, roomId: string) {
    this.gateway = gateway;
    this.account = account;
    this.roomId = roomId;
  }

  start(): void {
    const { token, email, password } = this.account;
    this.loops.push(
      this.loop('write article', 1_500, async () => {
        const title = `Drill ${randomUUID().slice(0, 8)}`;
        const reply = await this.gateway.call('/api/articles', {
          method: 'POST',
          token,
          body: JSON.stringify({
            article: { title, description: 'd', body: 'b', tagList: ['drill'] },
          }),
        });
        const slug = (reply.body['article'] as { slug?: string } | undefined)?.slug;
        if (reply.status === 201 && slug) this.savedArticles.push(slug);
        return reply.status;
      }),
      this.loop(
        'read articles',
        300,
        async () => (await this.gateway.call('/api/articles?limit=5')).status,
      ),
      this.loop('log in', 3_000, async () => {
        const body = JSON.stringify({ user: { email, password } });
        return (await this.gateway.call('/api/users/login', { method: 'POST', body })).status;
      }),
      this.chatLoop(),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(kind: Operation['kind'], everyMs: number, operation: () => Promise<Outcome>) {
    while (this.running) {
      const startedAt = Date.now();
      const outcome = await operation().catch((): Outcome => 'no answer');
      this.operations.push({ kind, startedAt, ms: Date.now() - startedAt, outcome });
      await sleep(Math.max(0, everyMs - (Date.now() - startedAt)));
    }
  }

  /** Sends over one socket, opening a new one whenever the last one closed (as the page does). */
  private chatLoop(): Promise<void> {
    let socket: Socket | undefined;
    return this.loop('send chat message', 1_000, async () => {
      if (!socket?.connected) {
        socket?.close();
        socket = this.gateway.socket(this.account.token);
        await new Promise<void>((resolve, reject) => {
          socket?.once('connect', () => resolve()).once('connect_error', reject);
          setTimeout(() => reject(new Error('no connection')), 5_000);
        });
        await socket.timeout(CLIENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: this.roomId });
      }
      const ack = (await socket.timeout(CLIENT_TIMEOUT_MS).emitWithAck('message:send', {
        roomId: this.roomId,
        text: 'drill',
        clientMessageId: randomUUID(),
      })) as {
        ok: boolean;
        data?: { id: string };
      };
      if (!ack.ok || !ack.data) return 'refused';
      this.savedMessages.push(ack.data.id);
      return 200;
    }).finally(() => socket?.close());
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
