import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { waitFor } from './wait-for.js';

/** One span as a test reads it: ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  /** The `service.name` of the process that reported it. */
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
}

// The OTLP/HTTP JSON encoding of an export request (opentelemetry-proto, `ExportTraceServiceRequest`).
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: { key: string; value: AnyValue }[] };
}
const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.number().optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z
      .object({ values: z.array(z.object({ key: z.string(), value: anyValue })).optional() })
      .optional(),
  }),
);
const keyValues = z.array(z.object({ key: z.string(), value: anyValue })).default([]);
const exportTraceRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: keyValues }).default({ attributes: [] }),
        scopeSpans: z
          .array(
            z.object({
              spans: z
                .array(
                  z.object({
                    traceId: z.string(),
                    spanId: z.string(),
                    parentSpanId: z.string().optional(),
                    name: z.string(),
                    kind: z.number().default(0),
                    attributes: keyValues,
                    links: z
                      .array(z.object({ traceId: z.string(), spanId: z.string() }))
                      .default([]),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

function plain(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values ?? []);
  return null;
}

function attributesOf(list: readonly { key: string; value: AnyValue }[]): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]));
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

/**
 * A stand-in for an OpenTelemetry Collector: it takes OTLP over HTTP in JSON
 * (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) and keeps every span it is sent, so that a test can
 * ask what a request's trace holds. Metrics and logs sent to it are accepted and ignored.
 */
export class OtlpReceiver {
  private readonly received: ReceivedSpan[] = [];
  private readonly refused: string[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const receiver: OtlpReceiver = new OtlpReceiver(
      createServer((request, response) => {
        void receiver.accept(request).then((status) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end('{}');
        });
      }),
    );
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** What `OTEL_EXPORTER_OTLP_ENDPOINT` is set to; the exporters add `/v1/traces` themselves. */
  get endpoint(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The environment that makes an app export its traces here, promptly. */
  get environment(): Record<string, string> {
    return {
      OTEL_EXPORTER_OTLP_ENDPOINT: this.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Export within a fraction of a second instead of every five, so tests wait less.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
  }

  get spans(): readonly ReceivedSpan[] {
    return this.received;
  }

  /** Every span of one trace received so far. */
  trace(traceId: string): ReceivedSpan[] {
    return this.received.filter((span) => span.traceId === traceId);
  }

  /** Waits until `select` finds what it looks for among the spans received, and returns it. */
  async waitFor<T>(
    what: string,
    select: (spans: readonly ReceivedSpan[]) => T | undefined,
    timeoutMs = 15_000,
  ): Promise<T> {
    return waitFor(() => select(this.received), { timeoutMs, what }).catch((error: unknown) => {
      const refused = this.refused.length > 0 ? `; refused: ${this.refused.join('; ')}` : '';
      throw new Error(`${String(error)} (${this.received.length} spans received${refused})`);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async accept(request: IncomingMessage): Promise<number> {
    const body = await bodyOf(request);
    if (request.method !== 'POST') return 405;
    if (request.url !== '/v1/traces') return 200;
    let json: unknown;
    try {
      json = JSON.parse(body || '{}');
    } catch (error) {
      this.refused.push(String(error));
      return 400;
    }
    const parsed = exportTraceRequest.safeParse(json);
    if (!parsed.success) {
      this.refused.push(parsed.error.message);
      return 400;
    }
    for (const { resource, scopeSpans } of parsed.data.resourceSpans) {
      const service = String(attributesOf(resource.attributes)['service.name'] ?? 'unknown');
      for (const span of scopeSpans.flatMap((scope) => scope.spans)) {
        this.received.push({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          kind: span.kind,
          attributes: attributesOf(span.attributes),
          links: span.links,
        });
      }
    }
    return 200;
  }
}
