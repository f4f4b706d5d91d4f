import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '@capstone/testing';
import { repoRoot } from './apps.js';

/** An app started from its build output as a separate process, the way its container runs it. */
export class AppProcess {
  private static readonly running = new Set<AppProcess>();
  private outputText = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => {
      this.outputText += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        AppProcess.running.delete(this);
        resolve();
      });
      child.on('error', (error) => {
        this.outputText += `\n${error.message}`;
        this.exit = { code: null, signal: null };
        AppProcess.running.delete(this);
        resolve();
      });
    });
  }

  /**
   * Runs `command` (e.g. a Dockerfile CMD) in `directory` of the repository with exactly
   * `environment`, plus PATH; nothing else leaks in from the test's own environment.
   */
  static start(
    label: string,
    command: readonly string[],
    environment: Record<string, string>,
    directory = '.',
  ) {
    const [program = '', ...args] = command;
    const child = spawn(program === 'node' ? process.execPath : program, args, {
      cwd: resolve(repoRoot, directory),
      env: { PATH: process.env['PATH'] ?? '', ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(label, child);
    AppProcess.running.add(app);
    return app;
  }

  /** Sends the process a signal: SIGSTOP and SIGCONT pause and resume it, as a slow host would. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Stops every process still running (SIGTERM, then SIGKILL), e.g. in afterAll. */
  static async stopAll(): Promise<void> {
    await Promise.all([...AppProcess.running].map((app) => app.stop()));
  }

  get output(): string {
    return this.outputText;
  }

  get exitCode(): number | null | undefined {
    return this.exit?.code;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Waits for the process to end by itself. */
  async finished(timeoutMs: number): Promise<{ code: number | null; output: string }> {
    await waitFor(() => (this.exit ? true : undefined), {
      timeoutMs,
      what: `${this.label} to exit`,
    });
    return { code: this.exit?.code ?? null, output: this.outputText };
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    // A process paused with SIGSTOP would never see the SIGTERM.
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }

  /** Explains a failure with what the process printed. */
  describe(): string {
    const state = this.exit ? `exited with ${this.exit.code ?? this.exit.signal}` : 'running';
    return `${this.label} (${state}) printed:\n${this.outputText.slice(-4_000)}`;
  }
}

/** Runs an Nx target in the repository, as a developer or CI would; throws with its output. */
export function runNx(target: string): void {
  const result = spawnSync('npx', ['nx', 'run', target, '--outputStyle=static'], {
    cwd: repoRoot,
    encoding: 'utf8',
    // No daemon: it would outlive the tests.
    env: { ...process.env, NX_DAEMON: 'false' },
    maxBuffer: 32 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `nx run ${target} failed (${result.status ?? result.error?.message}):\n` +
        `${result.stdout}\n${result.stderr}`,
    );
  }
}
