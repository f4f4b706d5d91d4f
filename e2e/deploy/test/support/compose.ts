import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { repoRoot } from './apps.js';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The part of the Compose specification these tests read; anything else passes through. */
const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z
    .union([
      z.string(),
      z.looseObject({
        context: z.string(),
        dockerfile: z.string().optional(),
        args: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      }),
    ])
    .optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
  env_file: z
    .union([z.string(), z.array(z.union([z.string(), z.looseObject({ path: z.string() })]))])
    .optional(),
  ports: z
    .array(
      z.union([
        z.string(),
        z.number(),
        z.looseObject({
          target: z.coerce.number(),
          published: z.union([z.string(), z.number()]).optional(),
          host_ip: z.string().optional(),
        }),
      ]),
    )
    .optional(),
  depends_on: z
    .union([
      z.array(z.string()),
      z.record(z.string(), z.looseObject({ condition: z.string().optional() })),
    ])
    .optional(),
  healthcheck: z
    .looseObject({
      test: z.union([z.string(), z.array(z.string())]).optional(),
      disable: z.boolean().optional(),
    })
    .optional(),
  volumes: z
    .array(
      z.union([z.string(), z.looseObject({ source: z.string().optional(), target: z.string() })]),
    )
    .optional(),
  restart: z.string().optional(),
  profiles: z.array(z.string()).optional(),
  deploy: z
    .looseObject({
      resources: z
        .looseObject({
          limits: z.looseObject({ memory: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

const composeSchema = z.looseObject({ services: z.record(z.string(), serviceSchema) });

export type ComposeService = z.infer<typeof serviceSchema>;
export type ComposeFile = z.infer<typeof composeSchema>;

export const composePath = resolve(repoRoot, 'docker-compose.yml');

/**
 * Compose's interpolation with nothing set in the environment: `${NAME:-default}` and
 * `${NAME-default}` become the default, `${NAME}` the empty string, `$$` a dollar sign.
 */
export function interpolateDefaults(text: string): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g,
    (whole, _name: string | undefined, fallback: string | undefined) =>
      whole === '$$' ? '$' : (fallback ?? ''),
  );
}

export function loadCompose(path = composePath): ComposeFile {
  // `merge: true` resolves the `<<: *anchor` keys the file uses, as Compose does.
  const text = interpolateDefaults(readFileSync(path, 'utf8'));
  return composeSchema.parse(parse(text, { merge: true }));
}

export function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** Reads an env file the way Compose does: KEY=VALUE lines, # comments, optional quotes. */
export function readEnvFile(path: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const rawLine of readFileSync(resolve(repoRoot, path), 'utf8').split('\n')) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new Error(`${path}: cannot read the line "${line}"`);
    const [, name = '', value = ''] = match;
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
      variables[name] = value.slice(1, -1);
    } else if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      variables[name] = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      variables[name] = value.replace(/\s+#.*$/, '');
    }
  }
  return variables;
}

function envFiles(entry: ComposeService['env_file']): string[] {
  if (entry === undefined) return [];
  if (typeof entry === 'string') return [entry];
  return entry.map((file) => (typeof file === 'string' ? file : file.path));
}

/** The environment the container gets: its env files, then `environment`, which wins. */
export function serviceEnvironment(entry: ComposeService): Record<string, string> {
  const fromFiles = Object.assign({}, ...envFiles(entry.env_file).map(readEnvFile)) as Record<
    string,
    string
  >;
  const listed = entry.environment ?? {};
  const pairs: [string, string][] = Array.isArray(listed)
    ? listed.map((item) => {
        const [name = '', ...rest] = item.split('=');
        return [name, rest.join('=')];
      })
    : Object.entries(listed)
        .filter(([, value]) => value !== null)
        .map(([name, value]) => [name, String(value)]);
  return { ...fromFiles, ...Object.fromEntries(pairs) };
}

export interface PublishedPort {
  /** Where the host listens; undefined means every interface. */
  readonly hostIp: string | undefined;
  readonly published: string | undefined;
  readonly target: number;
}

/** Reads short (`[ip:][host:]container[/proto]`) and long port syntax. */
export function publishedPorts(entry: ComposeService): PublishedPort[] {
  return (entry.ports ?? []).map((port) => {
    if (typeof port === 'number') return { hostIp: undefined, published: undefined, target: port };
    if (typeof port === 'object') {
      return {
        hostIp: port.host_ip,
        published: port.published === undefined ? undefined : String(port.published),
        target: port.target,
      };
    }
    const withoutProtocol = port.replace(/\/(tcp|udp)$/, '');
    const ipv6 = /^\[([^\]]+)\]:(.*)$/.exec(withoutProtocol);
    const parts = ipv6
      ? [ipv6[1] ?? '', ...(ipv6[2] ?? '').split(':')]
      : withoutProtocol.split(':');
    const target = Number(parts.at(-1));
    if (parts.length === 1) return { hostIp: undefined, published: undefined, target };
    if (parts.length === 2) return { hostIp: undefined, published: parts[0], target };
    return { hostIp: parts[0], published: parts[1], target };
  });
}

export function isAllInterfaces(port: PublishedPort): boolean {
  return port.hostIp === undefined || ['', '0.0.0.0', '::'].includes(port.hostIp);
}

/** `depends_on` as service → condition (the short list form means `service_started`). */
export function dependencies(entry: ComposeService): Record<string, string> {
  const dependsOn = entry.depends_on ?? [];
  if (Array.isArray(dependsOn)) {
    return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  }
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, options]) => [
      name,
      options.condition ?? 'service_started',
    ]),
  );
}

/** The one-shot services that must have exited 0 before this one starts, in the file's order. */
export function oneShotsBefore(entry: ComposeService): string[] {
  return Object.entries(dependencies(entry))
    .filter(([, condition]) => condition === 'service_completed_successfully')
    .map(([name]) => name);
}

/** The named volumes mounted into the service (`auth-keys:/keys:ro`), by their path inside it. */
export function namedVolumes(entry: ComposeService): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of entry.volumes ?? []) {
    const [source, target] =
      typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (source && target && !/^[./~]/.test(source)) mounts.set(target, source);
  }
  return mounts;
}

/** The health check command as one string, whichever form the file uses. */
export function healthcheckCommand(entry: ComposeService): string | undefined {
  const test = entry.healthcheck?.test;
  if (test === undefined) return undefined;
  return typeof test === 'string' ? test : test.join(' ');
}

export interface Build {
  readonly context: string;
  readonly dockerfile: string;
  readonly args: Record<string, string>;
}

export function buildOf(entry: ComposeService): Build {
  if (entry.build === undefined) throw new Error('the service is not built here');
  if (typeof entry.build === 'string') {
    return { context: entry.build, dockerfile: 'Dockerfile', args: {} };
  }
  const args = Object.entries(entry.build.args ?? {}).map(([name, value]) => [name, String(value)]);
  return {
    context: entry.build.context,
    dockerfile: entry.build.dockerfile ?? 'Dockerfile',
    args: Object.fromEntries(args) as Record<string, string>,
  };
}

export function commandOf(entry: ComposeService): string[] | undefined {
  if (entry.command === undefined) return undefined;
  return typeof entry.command === 'string' ? entry.command.split(/\s+/) : entry.command;
}

/** Compose memory sizes (`512m`, `1g`, `256mb`) in bytes. */
export function memoryBytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(size.trim());
  if (!match) throw new Error(`cannot read the memory size "${size}"`);
  const units: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  return Number(match[1]) * (units[(match[2] ?? '').toLowerCase()] ?? Number.NaN);
}

/**
 * The compose services an environment's URLs point at (`postgres://...@postgres:5432/auth` →
 * `postgres`): the stores and brokers the app connects to.
 */
export function servicesReferenced(
  environment: Record<string, string>,
  serviceNames: readonly string[],
): Map<string, string> {
  const referenced = new Map<string, string>();
  for (const [variable, value] of Object.entries(environment)) {
    const host = urlHost(value);
    if (host && serviceNames.includes(host)) referenced.set(variable, host);
  }
  return referenced;
}

function urlHost(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value).hostname;
  } catch {
    return undefined;
  }
}

/** The host directories mounted into the service, by their path inside the container. */
export function boundDirectories(entry: ComposeService): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of entry.volumes ?? []) {
    const [source, target] =
      typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    // Named volumes (`postgres-data:/var/lib/...`) are not host directories.
    if (source && target && /^[./~]/.test(source)) mounts.set(target, source);
  }
  return mounts;
}

/**
 * The databases the postgres image creates on its first start: the `CREATE DATABASE` statements
 * of the .sql files mounted at /docker-entrypoint-initdb.d.
 */
export function databasesCreatedAtInit(postgres: ComposeService): string[] {
  const directory = boundDirectories(postgres).get('/docker-entrypoint-initdb.d');
  if (!directory) return [];
  const path = resolve(repoRoot, directory);
  return readdirSync(path)
    .filter((file) => file.endsWith('.sql'))
    .flatMap((file) =>
      [
        ...readFileSync(resolve(path, file), 'utf8')
          .replace(/--.*$/gm, '')
          .matchAll(/CREATE\s+DATABASE\s+"?(\w+)"?/gi),
      ].map((match) => match[1] ?? ''),
    );
}
