import { signInAll, usernameOf, type VirtualUser } from './accounts.ts';
import { Catalog } from './catalog.ts';
import { ChatRoom } from './chat.ts';
import type { GatewayHttp } from './http.ts';
import type { LoadOptions } from './options.ts';
import type { Recorder } from './stats.ts';

export interface Prepared {
  readonly users: readonly VirtualUser[];
  readonly catalog: Catalog;
  /** Absent when the mix has no chat. */
  readonly chat?: ChatRoom;
}

/**
 * Everything a run needs before its clock starts, recorded apart from the run: the accounts
 * (signed in, or up the first time), what the blog has, and the chat room with every user in it.
 * A user that cannot sign in is reported and left out; the run goes on with the others.
 */
export async function prepare(
  options: LoadOptions,
  http: GatewayHttp,
  recorders: { setup: Recorder; deliveries: Recorder },
  say: (line: string) => void,
): Promise<Prepared> {
  await checkGateway(http);
  const last = usernameOf(options.prefix, options.users - 1);
  say(
    `Signing in ${options.users} users (${usernameOf(options.prefix, 0)} … ${last}) at ${http.url}`,
  );
  const { users, problems } = await signInAll(http, options, options.users);
  for (const problem of problems) say(`  ${problem}`);
  if (users.length === 0) throw new Error('no user could sign in or up (see above)');

  const catalog = new Catalog();
  for (const user of users) catalog.addAuthor(user.username);
  const list = await http.request('list articles', 'GET', '/api/articles?limit=20');
  catalog.learn(list.body, { global: true });

  if (options.weights.chat === 0) return { users, catalog };
  say(`Opening ${users.length} chat connections to the room "${options.prefix}"`);
  const chat = new ChatRoom(http, users, recorders);
  await chat.open(options.prefix);
  return { users, catalog, chat };
}

/** A clear first error when nothing, or something else, answers at the URL. */
async function checkGateway(http: GatewayHttp): Promise<void> {
  const reply = await http.request('check gateway', 'GET', '/api/tags');
  if (reply.outcome === '200') return;
  if (reply.outcome === 'connection error' || reply.outcome === 'timeout')
    throw new Error(
      `nothing answers at ${http.url} (${reply.outcome}): start the stack (docker compose up -d) or pass --url`,
    );
  throw new Error(`${http.url}/api/tags answered ${reply.outcome}: is this Capstone's gateway?`);
}
