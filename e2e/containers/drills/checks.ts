import {
  CLIENT_TIMEOUT_MS,
  sleep,
  type Account,
  type Gateway,
  type Operation,
  type Traffic,
} from './traffic.ts';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** How long a request may take, failing or not: the gateway's broker deadline (5 s) and some slack. */
const HTTP_DEADLINE_MS = 8_000;
/** A chat send may wait for MongoDB's server selection (the driver's default, 30 s) no longer than the client does. */
const CHAT_DEADLINE_MS = CLIENT_TIMEOUT_MS;

interface Message {
  readonly id: string;
  readonly text: string;
}

/** Every message of a room, newest first, paging back with `before`. */
async function history(gateway: Gateway, account: Account, roomId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let before = '';
  for (;;) {
    const page = await gateway.call(
      `/api/chat/rooms/${roomId}/messages?limit=100${before ? `&before=${before}` : ''}`,
      { token: account.token },
    );
    if (page.status !== 200) throw new Error(`history of ${roomId}: ${page.status}`);
    const { messages: batch, hasMore } = page.body as { messages: Message[]; hasMore: boolean };
    messages.push(...batch);
    if (!hasMore || batch.length === 0) return messages;
    before = batch[batch.length - 1]?.id ?? '';
  }
}

/** The id of the public room of that name, if there is one. */
export async function roomNamed(
  gateway: Gateway,
  account: Account,
  name: string,
): Promise<string | undefined> {
  for (let offset = 0; ; offset += 100) {
    const page = await gateway.call(`/api/chat/rooms?limit=100&offset=${offset}`, {
      token: account.token,
    });
    const { rooms = [], hasMore = false } = page.body as {
      rooms?: { id: string; name: string }[];
      hasMore?: boolean;
    };
    const found = rooms.find((room) => room.name === name);
    if (found || !hasMore) return found?.id;
  }
}

/** Nothing the user was told was saved is missing: each article reads back, each message is in the room. */
export async function nothingLost(
  gateway: Gateway,
  account: Account,
  roomId: string,
  traffic: Traffic,
): Promise<Check[]> {
  const missingArticles: string[] = [];
  for (const slug of traffic.savedArticles) {
    const reply = await gateway.call(`/api/articles/${slug}`);
    if (reply.status !== 200) missingArticles.push(`${slug} (${reply.status})`);
  }
  const stored = new Set((await history(gateway, account, roomId)).map((message) => message.id));
  const missingMessages = traffic.savedMessages.filter((id) => !stored.has(id));
  return [
    {
      name: 'every article answered 201 reads back',
      ok: missingArticles.length === 0,
      detail: `${traffic.savedArticles.length} saved, missing: ${missingArticles.join(', ') || 'none'}`,
    },
    {
      name: 'every chat message acknowledged is in the room',
      ok: missingMessages.length === 0,
      detail: `${traffic.savedMessages.length} acknowledged, missing: ${missingMessages.length}`,
    },
  ];
}

/**
 * Each saved article's `article.created` event reaches the chat exactly once: one announcement
 * per slug in #articles, waiting up to a minute for events that waited in an outbox.
 */
export async function eventsOnce(
  gateway: Gateway,
  account: Account,
  slugs: readonly string[],
): Promise<Check> {
  const roomId = await roomNamed(gateway, account, 'articles');
  if (!roomId) return { name: 'the chat has an #articles room', ok: false, detail: 'not found' };
  const deadline = Date.now() + 60_000;
  let counts = new Map<string, number>();
  do {
    const texts = (await history(gateway, account, roomId)).map((message) => message.text);
    counts = new Map(
      slugs.map((slug) => [slug, texts.filter((text) => text.includes(`(${slug})`)).length]),
    );
    if ([...counts.values()].every((count) => count >= 1)) break;
    await sleep(2_000);
  } while (Date.now() < deadline);
  const wrong = [...counts]
    .filter(([, count]) => count !== 1)
    .map(([slug, count]) => `${slug} ×${count}`);
  return {
    name: 'each saved article is announced in #articles exactly once',
    ok: wrong.length === 0,
    detail: `${slugs.length} articles, wrong: ${wrong.join(', ') || 'none'}`,
  };
}

/** No request outlived its deadline, whatever it answered. */
export function noneHung(operations: readonly Operation[]): Check {
  const late = operations.filter(
    (operation) =>
      operation.ms > (operation.kind === 'send chat message' ? CHAT_DEADLINE_MS : HTTP_DEADLINE_MS),
  );
  return {
    name: `no request took longer than its deadline (HTTP ${HTTP_DEADLINE_MS / 1000} s, chat ${CHAT_DEADLINE_MS / 1000} s)`,
    ok: late.length === 0,
    detail:
      late.length === 0
        ? `${operations.length} requests`
        : late
            .slice(0, 5)
            .map((o) => `${o.kind} ${o.ms} ms → ${o.outcome}`)
            .join('; '),
  };
}

/** A table of what each kind of request got: a line per kind. */
export function outcomeTable(operations: readonly Operation[]): string[] {
  const kinds = [...new Set(operations.map((operation) => operation.kind))];
  const column = (label: string, width: number) => label.padStart(width);
  const rows = [
    `${'request'.padEnd(18)}${column('2xx', 6)}${column('4xx', 6)}${column('503/504', 9)}${column('500', 6)}${column('other', 7)}${column('max ms', 9)}`,
  ];
  for (const kind of kinds) {
    const of = operations.filter((operation) => operation.kind === kind);
    const count = (test: (outcome: Operation['outcome']) => boolean) =>
      String(of.filter((o) => test(o.outcome)).length);
    const status = (low: number, high: number) => (outcome: Operation['outcome']) =>
      typeof outcome === 'number' && outcome >= low && outcome < high;
    rows.push(
      `${kind.padEnd(18)}${column(count(status(200, 300)), 6)}${column(count(status(400, 500)), 6)}` +
        `${column(
          count((o) => o === 503 || o === 504),
          9,
        )}${column(
          count((o) => o === 500),
          6,
        )}` +
        `${column(
          count(
            (o) =>
              typeof o !== 'number' || (o >= 300 && o < 400) || (o > 500 && o !== 503 && o !== 504),
          ),
          7,
        )}` +
        `${column(String(Math.max(...of.map((o) => o.ms))), 9)}`,
    );
  }
  return rows;
}
