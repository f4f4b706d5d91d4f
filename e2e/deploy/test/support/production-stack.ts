import {
  createTestDatabase,
  createTestKeyspace,
  createTestMongoDatabase,
  createTestVhost,
  freePort,
  waitFor,
  type TestDatabase,
  type TestKeyspace,
  type TestMongoDatabase,
  type TestVhost,
} from '@capstone/testing';
import { appNamed, apps, backendApps, healthPaths, migrateName, type AppName } from './apps.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildOf,
  commandOf,
  loadCompose,
  namedVolumes,
  oneShotsBefore,
  service,
  serviceEnvironment,
  servicesReferenced,
} from './compose.js';
import { imageCommand, imageEnvironment, imageWorkingDirectory } from './images.js';
import { AppProcess, runNx } from './processes.js';

const compose = loadCompose();
const serviceNames = Object.keys(compose.services);

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** One HTTP request with a deadline; the body parsed when it is JSON. */
export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json');
  return {
    status: response.status,
    headers: response.headers,
    body: json ? JSON.parse(text) : text || null,
  };
}

/** What each app's /health/ready checks: the stores and the broker it cannot work without. */
const readyChecks: Record<AppName, string[]> = {
  auth: ['postgres', 'rabbitmq'],
  blog: ['postgres', 'rabbitmq'],
  chat: ['mongodb', 'redis', 'rabbitmq'],
  gateway: ['rabbitmq', 'redis', 'redis-cache'],
};

export const allUp = (app: AppName) =>
  Object.fromEntries(readyChecks[app].map((check) => [check, { state: 'up' }]));

/**
 * Which local test server stands in for a compose URL: each PostgreSQL database on its own
 * (`postgres/auth`, `postgres/blog`: every app owns one), every other store, and an app another
 * one calls (the gateway's CHAT_URL names `chat`), by its service name.
 */
function storeKey(url: string, store: string): string {
  const database = new URL(url).pathname.replace(/^\//, '');
  return store === 'postgres' && database ? `postgres/${database}` : store;
}

/** The PostgreSQL databases the apps' compose services use. */
function composeDatabases(): string[] {
  const databases = apps
    .map((app) => serviceEnvironment(service(compose, app.name))['DATABASE_URL'])
    .filter((url): url is string => url !== undefined)
    .map((url) => storeKey(url, 'postgres'));
  return [...new Set(databases)];
}

/** Polls the app until /health/ready says 200; fails at once, with its output, if it exits. */
async function readiness(app: AppProcess, port: number): Promise<Reply> {
  return waitFor(
    async () => {
      if (app.hasExited) throw new Error(app.describe());
      const reply = await request(`http://127.0.0.1:${port}${healthPaths.ready}`).catch(
        () => undefined,
      );
      return reply?.status === 200 ? reply : undefined;
    },
    { timeoutMs: 60_000, what: `${app.label} to be ready` },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${app.describe()}`);
  });
}

/**
 * The stack of docker-compose.yml run from the production builds on this machine, each app as its
 * container runs it (the image's command, environment and working directory), against fresh
 * databases, a RabbitMQ virtual host and Redis key prefixes of the local test servers.
 */
export class ProductionStack {
  private readonly running = new Map<AppName, AppProcess>();

  private constructor(
    private readonly databases: TestDatabase[],
    private readonly mongo: TestMongoDatabase,
    private readonly vhost: TestVhost,
    /** One Redis, as in compose; a key prefix for the gateway and another for the chat. */
    private readonly keyspaces: Record<'gateway' | 'chat', TestKeyspace>,
    /** The port each app will listen on, chosen up front so that the others can be told it. */
    private readonly ports: ReadonlyMap<AppName, number>,
    /** The gateway's internal port for `/metrics`, apart from its public one. */
    readonly gatewayMetricsPort: number,
    /** The local server that stands in for each store and app compose names. */
    readonly stores: Readonly<Record<string, string>>,
    /** A directory of this machine for each named volume (the auth service's key). */
    private readonly volumes: string = mkdtempSync(join(tmpdir(), 'capstone-volumes-')),
  ) {}

  /** The one-shot services compose runs to their end before the app starts (keys, migrations). */
  static oneShotsBefore(app: AppName): string[] {
    return oneShotsBefore(service(compose, app));
  }

  /** A path inside the service's container, on this machine: its named volumes are directories here. */
  private hostPath(serviceName: string, value: string): string {
    for (const [target, volume] of namedVolumes(service(compose, serviceName))) {
      if (value === target || value.startsWith(`${target}/`))
        return join(this.volumes, volume, value.slice(target.length));
    }
    return value;
  }

  /** Builds the apps (as `nx run <app>:build`) and makes the stores they will use. */
  static async prepare(label: string): Promise<ProductionStack> {
    for (const app of apps) runNx(`${app.name}:build`);
    const names = composeDatabases();
    // A fresh database for each one an app owns, and one vhost that they all share, as in compose.
    const [databases, vhost] = await Promise.all([
      Promise.all(names.map((name) => createTestDatabase(`${label}_${name.replace('/', '_')}`))),
      createTestVhost(label),
    ]);
    const mongo = createTestMongoDatabase(`${label}_chat`);
    const keyspaces = {
      gateway: createTestKeyspace(label),
      chat: createTestKeyspace(`${label}-chat`),
    };
    const ports = new Map<AppName, number>();
    const taken = new Set<number>();
    const newPort = async () => {
      let port = await freePort();
      while (taken.has(port)) port = await freePort();
      taken.add(port);
      return port;
    };
    for (const app of apps) ports.set(app.name, await newPort());
    const gatewayMetricsPort = await newPort();
    const stores = {
      ...Object.fromEntries(names.map((name, index) => [name, databases[index]?.url ?? ''])),
      mongo: mongo.url,
      rabbitmq: vhost.url,
      redis: keyspaces.gateway.url,
      // The cache's own Redis in compose; here the same local server, under the gateway's prefix.
      'redis-cache': keyspaces.gateway.url,
      // An app another one calls by its compose service name: the gateway's CHAT_URL names `chat`.
      ...Object.fromEntries(
        apps.map((app) => [app.name, `http://127.0.0.1:${ports.get(app.name)}`]),
      ),
    };
    return new ProductionStack(
      databases,
      mongo,
      vhost,
      keyspaces,
      ports,
      gatewayMetricsPort,
      stores,
    );
  }

  /**
   * A compose service's environment (over its image's ENV) for a process on this machine: URLs
   * that name a compose service point at the local test servers instead.
   */
  hostEnvironment(serviceName: string, image: AppName): Record<string, string> {
    const environment = {
      ...imageEnvironment(image),
      ...serviceEnvironment(service(compose, serviceName)),
    };
    for (const [variable, store] of servicesReferenced(environment, serviceNames)) {
      const key = storeKey(environment[variable] ?? '', store);
      const local = this.stores[key];
      if (!local) throw new Error(`${variable} points at ${key}, which this test does not run`);
      environment[variable] = local;
    }
    for (const [variable, value] of Object.entries(environment))
      environment[variable] = this.hostPath(serviceName, value);
    return environment;
  }

  /** The environment compose gives the app, on the port chosen for it, with its own key prefix. */
  appEnvironment(app: AppName): Record<string, string> {
    const environment = { ...this.hostEnvironment(app, app), PORT: String(this.portOf(app)) };
    if (app === 'chat') return { ...environment, REDIS_KEY_PREFIX: this.keyspaces.chat.prefix };
    if (app === 'gateway')
      return {
        ...environment,
        REDIS_KEY_PREFIX: this.keyspaces.gateway.prefix,
        METRICS_PORT: String(this.gatewayMetricsPort),
      };
    return environment;
  }

  portOf(app: AppName): number {
    const port = this.ports.get(app);
    if (port === undefined) throw new Error(`no port for ${app}`);
    return port;
  }

  url(app: AppName, path: string): string {
    return `http://127.0.0.1:${this.portOf(app)}${path}`;
  }

  /**
   * Starts a process as a container of the app's image would: the image's command (or `command`),
   * in the directory the image's working directory holds.
   */
  startAsContainer(
    label: string,
    app: AppName,
    environment: Record<string, string>,
    command: readonly string[] = imageCommand(app),
  ): AppProcess {
    return AppProcess.start(label, command, environment, imageWorkingDirectory(app));
  }

  /**
   * Runs a one-shot service (an app's keys or migrations, the broker topology) to its end, with
   * the image compose builds it from.
   */
  runOneShot(name: string, extra: Record<string, string> = {}) {
    const image = appNamed(buildOf(service(compose, name)).args['APP'] as AppName).name;
    const command = commandOf(service(compose, name))?.map((arg) => this.hostPath(name, arg));
    const oneShot = this.startAsContainer(
      name,
      image,
      { ...this.hostEnvironment(name, image), ...extra },
      command,
    );
    return oneShot.finished(60_000);
  }

  /** Runs the app's migrate service command to its end. */
  migrate(app: AppName, extra: Record<string, string> = {}) {
    return this.runOneShot(migrateName(appNamed(app)), extra);
  }

  /** Starts the app with compose's environment (plus `extra`); resolves when it reports ready. */
  async start(app: AppName, extra: Record<string, string> = {}): Promise<Reply> {
    const child = this.startAsContainer(app, app, { ...this.appEnvironment(app), ...extra });
    this.running.set(app, child);
    return readiness(child, this.portOf(app));
  }

  /**
   * Everything in the order compose starts it: each one-shot (keys, migrations), the services behind the gateway,
   * then the gateway; `extra` adds to each app's environment.
   */
  async startAll(extra: (app: AppName) => Record<string, string> = () => ({})): Promise<void> {
    for (const app of backendApps) {
      for (const oneShot of ProductionStack.oneShotsBefore(app.name)) {
        const { code, output } = await this.runOneShot(oneShot);
        if (code !== 0) throw new Error(`${oneShot} failed:\n${output}`);
      }
      await this.start(app.name, extra(app.name));
    }
    await this.start('gateway', extra('gateway'));
  }

  /** The process of a running app. */
  process(app: AppName): AppProcess {
    const child = this.running.get(app);
    if (!child) throw new Error(`${app} is not running`);
    return child;
  }

  /** What a running app has printed so far. */
  output(app: AppName): string {
    return this.running.get(app)?.output ?? '';
  }

  /** What every app printed, to explain a failed request through the gateway. */
  describe(): string {
    return [...this.running.values()].map((child) => child.describe()).join('\n');
  }

  /** Stops every process and drops every store. */
  async stop(): Promise<void> {
    await AppProcess.stopAll();
    await Promise.all([
      ...this.databases.map((database) => database.drop()),
      this.mongo.drop(),
      this.vhost.drop(),
      this.keyspaces.gateway.drop(),
      this.keyspaces.chat.drop(),
    ]);
    rmSync(this.volumes, { recursive: true, force: true });
  }
}
