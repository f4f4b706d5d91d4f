import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { freePort } from './network.js';
import { waitFor } from './wait-for.js';

/** One series of an instant query's answer: its labels and its value. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const queryReply = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        value: z.tuple([z.number(), z.string()]),
      }),
    ),
  }),
});

/** The Prometheus binary: `TEST_PROMETHEUS_BIN`, else `prometheus` on the PATH (Debian's package). */
export const prometheusBinary = process.env['TEST_PROMETHEUS_BIN'] ?? 'prometheus';

/**
 * A real Prometheus server for one test file, scraping the targets it is given every second, with
 * its data in a temporary directory that `stop()` removes.
 */
export class PrometheusServer {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly directory: string,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
  }

  /** Starts Prometheus with one scrape job per entry of `jobs` (`host:port` targets, `/metrics`). */
  static async start(jobs: Record<string, string[]>): Promise<PrometheusServer> {
    const directory = await mkdtemp(join(tmpdir(), 'capstone-prometheus-'));
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s' },
      scrape_configs: Object.entries(jobs).map(([job, targets]) => ({
        job_name: job,
        static_configs: [{ targets }],
      })),
    };
    // JSON is YAML, so the configuration needs no YAML library.
    await writeFile(join(directory, 'prometheus.yml'), JSON.stringify(config));
    const address = `127.0.0.1:${await freePort()}`;
    const child = spawn(
      prometheusBinary,
      [
        `--config.file=${join(directory, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(directory, 'data')}`,
        `--web.listen-address=${address}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(child, directory, `http://${address}`);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited:\n${server.output}`);
        const ready = await fetch(`${server.url}/-/ready`).catch(() => undefined);
        return ready?.ok ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'Prometheus to be ready' },
    );
    return server;
  }

  /** An instant query (`/api/v1/query`): the series it returns now. */
  async query(promql: string): Promise<Sample[]> {
    const response = await fetch(
      `${this.url}/api/v1/query?${new URLSearchParams({ query: promql })}`,
    );
    const reply = queryReply.parse(await response.json());
    return reply.data.result.map(({ metric, value }) => ({
      labels: metric,
      value: Number(value[1]),
    }));
  }

  /** Waits until `promql` returns something `accept` takes, and returns that answer. */
  async waitForQuery(
    promql: string,
    accept: (samples: Sample[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<Sample[]> {
    let last: Sample[] = [];
    return waitFor(
      async () => {
        last = await this.query(promql);
        return accept(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 500, what: promql },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last answer: ${JSON.stringify(last)}`);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.directory, { recursive: true, force: true });
  }
}
