import { APP_PORTS, type App, type ComposeStack, type Readiness } from './compose.ts';
import {
  eventsOnce,
  noneHung,
  nothingLost,
  outcomeTable,
  roomNamed,
  type Check,
} from './checks.ts';
import type { Drill } from './drills.ts';
import { CLIENT_TIMEOUT_MS, sleep, Traffic, type Account, type Gateway } from './traffic.ts';

export interface DrillOptions {
  readonly stack: ComposeStack;
  readonly gateway: Gateway;
  /** How long the service stays down. */
  readonly outageMs: number;
  readonly log: (line: string) => void;
}

export interface DrillResult {
  readonly checks: readonly Check[];
  readonly ok: boolean;
}

const APPS = Object.keys(APP_PORTS) as App[];

async function readinessOfAll(stack: ComposeStack): Promise<Record<App, Readiness>> {
  const states = await Promise.all(APPS.map((app) => stack.readiness(app)));
  return Object.fromEntries(APPS.map((app, index) => [app, states[index]])) as Record<
    App,
    Readiness
  >;
}

const describe = (states: Record<App, Readiness>) =>
  APPS.map((app) => `${app} ${states[app]}`).join(', ');

/** Waits until every app reports ready; how long that took, or undefined after `timeoutMs`. */
async function allReady(stack: ComposeStack, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const states = await readinessOfAll(stack);
    if (APPS.every((app) => states[app] === 'ready')) return Date.now() - started;
    await sleep(1_000);
  }
  return undefined;
}

/** The drill's own public chat room, made by its user the first time. */
async function drillRoom(gateway: Gateway, account: Account): Promise<string> {
  const existing = await roomNamed(gateway, account, 'drills');
  if (existing) return existing;
  const socket = gateway.socket(account.token);
  try {
    const ack = (await socket
      .timeout(CLIENT_TIMEOUT_MS)
      .emitWithAck('room:create', { name: 'drills', kind: 'public' })) as {
      ok: boolean;
      data?: { id: string };
      error?: string;
    };
    if (!ack.ok || !ack.data) throw new Error(`cannot make the drills room: ${ack.error}`);
    return ack.data.id;
  } finally {
    socket.close();
  }
}

/**
 * Stops one service of a running compose stack in the middle of traffic, starts it again, and
 * checks what a user would: nothing acknowledged lost, every event delivered exactly once, no
 * request hung, the apps that need it not-ready while it was down and all ready after.
 */
export async function runDrill(
  drill: Drill,
  { stack, gateway, outageMs, log }: DrillOptions,
): Promise<DrillResult> {
  log(
    `Drill "${drill.name}": ${drill.service} stops for ${outageMs / 1000} s in the middle of traffic.`,
  );
  log(`Expect: ${drill.expect}.`);
  if ((await allReady(stack, 120_000)) === undefined)
    throw new Error(`the stack is not ready: ${describe(await readinessOfAll(stack))}`);
  const account = await gateway.account('drill-writer');
  const roomId = await drillRoom(gateway, account);
  const traffic = new Traffic(gateway, account, roomId);
  const started = Date.now();
  const at = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s`;
  traffic.start();
  await sleep(4_000);

  log(`${at()}  docker compose stop ${drill.service}`);
  await stack.stop(drill.service);
  const seen = new Map<App, Set<Readiness>>(APPS.map((app) => [app, new Set()]));
  const outageEnds = Date.now() + outageMs;
  while (Date.now() < outageEnds) {
    const states = await readinessOfAll(stack);
    for (const app of APPS) seen.get(app)?.add(states[app]);
    const recent = traffic.operations.filter(
      (operation) => operation.startedAt > Date.now() - 3_000,
    );
    const failed = recent.filter(
      (operation) => operation.outcome !== 200 && operation.outcome !== 201,
    );
    log(
      `${at()}  ${describe(states)}; last 3 s: ${recent.length - failed.length} ok, ${failed.length} failed`,
    );
    await sleep(1_500);
  }

  log(`${at()}  docker compose start ${drill.service}`);
  await stack.start(drill.service);
  const recoveredMs = await allReady(stack, 180_000);
  log(
    `${at()}  ${recoveredMs === undefined ? 'NOT all ready after 180 s' : `all apps ready again after ${(recoveredMs / 1000).toFixed(1)} s`}`,
  );
  await sleep(4_000);
  await traffic.stop();

  log('');
  for (const row of outcomeTable(traffic.operations)) log(`  ${row}`);
  const checks: Check[] = [
    ...drill.notReady.map((app) => ({
      name: `${app} reported not-ready while ${drill.service} was down`,
      ok: seen.get(app)?.has('not ready') ?? false,
      detail: [...(seen.get(app) ?? [])].join(', '),
    })),
    {
      name: 'every app is ready again',
      ok: recoveredMs !== undefined,
      detail: recoveredMs === undefined ? 'timed out' : `${recoveredMs} ms`,
    },
    noneHung(traffic.operations),
    ...(await nothingLost(gateway, account, roomId, traffic)),
    await eventsOnce(gateway, account, traffic.savedArticles),
  ];
  log('');
  for (const check of checks)
    log(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  return { checks, ok: checks.every((check) => check.ok) };
}
