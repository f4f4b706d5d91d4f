import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

export const repoRoot = resolve(import.meta.dirname, '../../../..');

/** Runs the docker CLI in the repository root; fails with what it printed. */
export async function docker(
  args: readonly string[],
  { env = {}, timeoutMs = 120_000 }: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string> {
  try {
    const { stdout } = await run('docker', args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const {
      stdout = '',
      stderr = '',
      message,
    } = error as {
      stdout?: string;
      stderr?: string;
      message: string;
    };
    throw new Error(`docker ${args.join(' ')} failed: ${message}\n${stdout}\n${stderr}`);
  }
}

/** Whether a Docker engine answers, with its version, or why not. */
export async function engine(): Promise<
  { ok: true; version: string } | { ok: false; why: string }
> {
  try {
    const version = await docker(['version', '--format', '{{.Server.Version}}'], {
      timeoutMs: 15_000,
    });
    return { ok: true, version: version.trim() };
  } catch (error) {
    return { ok: false, why: String(error) };
  }
}

const dependsOnSchema = z.record(z.string(), z.looseObject({ condition: z.string() }));
const renderedSchema = z.looseObject({
  services: z.record(
    z.string(),
    z.looseObject({
      image: z.string().optional(),
      depends_on: dependsOnSchema.optional(),
      healthcheck: z
        .looseObject({ disable: z.boolean().optional(), test: z.array(z.string()).optional() })
        .optional(),
      restart: z.string().optional(),
      deploy: z
        .looseObject({
          resources: z
            .looseObject({ limits: z.looseObject({ memory: z.string().optional() }).optional() })
            .optional(),
        })
        .optional(),
    }),
  ),
});
export type RenderedCompose = z.infer<typeof renderedSchema>;

/** One compose project of the repository's docker-compose.yml, under a name of its own. */
export class ComposeProject {
  constructor(
    readonly name: string,
    readonly env: Record<string, string>,
  ) {}

  run(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    return docker(['compose', '-p', this.name, ...args], { env: this.env, timeoutMs });
  }

  /** The file as Compose itself reads it: anchors, defaults and interpolation resolved. */
  async config(): Promise<RenderedCompose> {
    return renderedSchema.parse(JSON.parse(await this.run(['config', '--format', 'json'])));
  }

  /** The id of a service's container (the first, for a scaled service). */
  async containerOf(service: string): Promise<string> {
    const id = (await this.run(['ps', '-a', '-q', service])).trim().split('\n')[0];
    if (!id) throw new Error(`${this.name} has no container for ${service}`);
    return id;
  }

  /**
   * Whether the service's own health check passes now. Docker's health status lags behind: with
   * several retries allowed, a container stays "healthy" for a while after its check began to fail.
   */
  async passesHealthCheck(service: string, test: readonly string[]): Promise<boolean> {
    const [form, ...command] = test;
    const argv = form === 'CMD-SHELL' ? ['sh', '-c', command.join(' ')] : command;
    try {
      await docker(['exec', await this.containerOf(service), ...argv], { timeoutMs: 15_000 });
      return true;
    } catch {
      return false;
    }
  }

  /** Every object of the project that Docker still has: containers, volumes, networks. */
  async leftovers(): Promise<string[]> {
    const label = `label=com.docker.compose.project=${this.name}`;
    const [containers, volumes, networks] = await Promise.all([
      docker(['ps', '-a', '-q', '--filter', label]),
      docker(['volume', 'ls', '-q', '--filter', label]),
      docker(['network', 'ls', '-q', '--filter', label]),
    ]);
    return [
      ...containers.split('\n').map((id) => id && `container ${id}`),
      ...volumes.split('\n').map((id) => id && `volume ${id}`),
      ...networks.split('\n').map((id) => id && `network ${id}`),
    ].filter(Boolean);
  }
}

const inspectSchema = z.array(
  z.looseObject({
    State: z.looseObject({
      Status: z.string(),
      ExitCode: z.number(),
      Health: z.looseObject({ Status: z.string() }).optional(),
    }),
    HostConfig: z.looseObject({ Memory: z.number() }),
  }),
);

export interface ContainerState {
  readonly status: string;
  readonly exitCode: number;
  readonly health: string | undefined;
  readonly memoryLimit: number;
}

export async function inspect(container: string): Promise<ContainerState> {
  const [state] = inspectSchema.parse(JSON.parse(await docker(['inspect', container])));
  if (!state) throw new Error(`docker inspect ${container} returned nothing`);
  return {
    status: state.State.Status,
    exitCode: state.State.ExitCode,
    health: state.State.Health?.Status,
    memoryLimit: state.HostConfig.Memory,
  };
}

/** Bytes from docker's sizes: `70.57MiB`, `1.2GiB`, `512kB`, `0B`. */
export function bytesOf(size: string): number {
  const match = /^([\d.]+)\s*([kKMGT]?i?)B$/.exec(size.trim());
  if (!match) throw new Error(`cannot read the size "${size}"`);
  const unit = match[2] ?? '';
  const base = unit.endsWith('i') ? 1024 : 1000;
  const power = { '': 0, k: 1, K: 1, M: 2, G: 3, T: 4 }[unit.replace('i', '')] ?? Number.NaN;
  return Number(match[1]) * base ** power;
}

/** The memory a running container uses now, from `docker stats`. */
export async function memoryInUse(container: string): Promise<number> {
  const line = await docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', container]);
  const [used = ''] = line.trim().split(' / ');
  return bytesOf(used);
}

const eventSchema = z.looseObject({
  Action: z.string(),
  timeNano: z.number(),
  Actor: z.looseObject({ Attributes: z.record(z.string(), z.string()) }),
});

export interface ContainerEvent {
  readonly service: string;
  /** `create`, `start`, `die`, `health_status: healthy`… */
  readonly action: string;
  readonly exitCode: string | undefined;
  readonly at: bigint;
}

/**
 * Records what happens to a project's containers from now on (`docker events`), so that a test
 * can check in which order they started, became healthy and exited.
 */
export class EventLog {
  readonly events: ContainerEvent[] = [];
  private readonly child: ChildProcess;

  constructor(project: string) {
    this.child = spawn(
      'docker',
      [
        'events',
        '--filter',
        'type=container',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--format',
        '{{json .}}',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: this.child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      const event = eventSchema.parse(JSON.parse(line));
      const attributes = event.Actor.Attributes;
      this.events.push({
        service: attributes['com.docker.compose.service'] ?? '?',
        action: event.Action,
        exitCode: attributes['exitCode'],
        at: BigInt(event.timeNano),
      });
    });
  }

  /** When `service` first did `action` (optionally with this exit code), if it did. */
  first(service: string, action: string, exitCode?: string): bigint | undefined {
    return this.events.find(
      (event) =>
        event.service === service &&
        event.action === action &&
        (exitCode === undefined || event.exitCode === exitCode),
    )?.at;
  }

  stop(): void {
    this.child.kill();
  }
}
