import { failureName, type Outcome, type Recorder } from './stats.ts';

/** A request unanswered after this long counts as a timeout: the gateway's own deadlines are shorter. */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface Reply {
  readonly outcome: Outcome;
  /** The parsed JSON answer, or undefined (no answer, or not JSON). */
  readonly body: unknown;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
}

/**
 * The gateway's HTTP API as a browser uses it, over Node's fetch (undici: keep-alive connections,
 * pooled per origin). Every request is timed to its last byte and recorded under a label; none
 * throws, so that a run goes on whatever the stack answers.
 */
export class GatewayHttp {
  readonly url: string;
  private readonly recorder: Recorder;

  constructor(url: string, recorder: Recorder) {
    this.url = url;
    this.recorder = recorder;
  }

  async request(
    label: string,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Reply> {
    const startedAt = performance.now();
    const reply = await this.send(method, path, options);
    this.recorder.record(label, performance.now() - startedAt, reply.outcome);
    return reply;
  }

  /** The same, recorded elsewhere: setup steps are kept apart from the run's operations. */
  with(recorder: Recorder): GatewayHttp {
    return new GatewayHttp(this.url, recorder);
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Reply> {
    try {
      const response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Token ${options.token}` } : {}),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const json = response.headers.get('content-type')?.includes('json') ?? false;
      return { outcome: String(response.status), body: json && text ? parse(text) : undefined };
    } catch (error) {
      return { outcome: failureName(error), body: undefined };
    }
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
