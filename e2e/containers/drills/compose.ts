import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What an app says of itself on /health/ready, asked from inside its container. */
export type Readiness = 'ready' | 'not ready' | 'no answer';

/** The apps of the stack and the port each listens on inside its container. */
export const APP_PORTS = { gateway: 3000, auth: 3001, blog: 3002, chat: 3003 } as const;
export type App = keyof typeof APP_PORTS;

/** A running `docker compose` project of this repository (`capstone` unless told otherwise). */
export class ComposeStack {
  readonly project: string;

  constructor(project: string) {
    this.project = project;
  }

  async compose(args: readonly string[], timeoutMs = 180_000): Promise<string> {
    try {
      const { stdout } = await run('docker', ['compose', '-p', this.project, ...args], {
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const { stderr = '', message } = error as { stderr?: string; message: string };
      throw new Error(`docker compose ${args.join(' ')} failed: ${message}\n${stderr}`);
    }
  }

  stop(service: string): Promise<string> {
    return this.compose(['stop', service]);
  }

  start(service: string): Promise<string> {
    return this.compose(['start', service]);
  }

  /** The app's own readiness, from inside its container (only the gateway has a host port). */
  async readiness(app: App): Promise<Readiness> {
    const probe = `fetch('http://127.0.0.1:${APP_PORTS[app]}/health/ready').then((r) => process.exit(r.status === 200 ? 0 : 3), () => process.exit(4))`;
    try {
      await run('docker', ['compose', '-p', this.project, 'exec', '-T', app, 'node', '-e', probe], {
        timeout: 10_000,
      });
      return 'ready';
    } catch (error) {
      // 3: it answered, not ready; anything else: no answer, or no container running.
      return (error as { code?: unknown }).code === 3 ? 'not ready' : 'no answer';
    }
  }
}
