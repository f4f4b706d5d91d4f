import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { SocketIoInstrumentation } from '@opentelemetry/instrumentation-socket.io';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { register as interceptImports } from 'import-in-the-middle/register-hooks.mjs';

export interface TelemetryOptions {
  /** `service.name` of everything the process reports, unless `OTEL_SERVICE_NAME` says otherwise. */
  readonly serviceName: string;
}

type MetricsHandler = (request: IncomingMessage, response: ServerResponse) => void;

interface Running {
  readonly sdk: NodeSDK;
  readonly prometheus: PrometheusExporter;
}

let running: Running | undefined;

/** Requests the probes and Prometheus make all the time: no spans for them. */
const UNTRACED_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** Whether the standard variables name somewhere to send traces to. */
function tracesAreExported(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] ||
    env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ||
    (env['OTEL_TRACES_EXPORTER'] && env['OTEL_TRACES_EXPORTER'] !== 'none'),
  );
}

/**
 * Starts OpenTelemetry for the process, before the app's modules load (`node --import
 * ./telemetry.js main.js`), so that HTTP, PostgreSQL, Redis, MongoDB, RabbitMQ, Socket.IO and
 * pino are instrumented (Nest's routes and handlers by the service defaults' interceptor), whether they are reached by `require` or by `import`.
 * Configured only by the standard `OTEL_*` variables: traces go to `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (any `OTEL_EXPORTER_OTLP_PROTOCOL`, `http/json` included) with `OTEL_TRACES_SAMPLER`; without
 * an endpoint, spans are still started but never recorded, so that logs and request ids carry
 * trace ids at little cost, and nothing is sent. `OTEL_SDK_DISABLED=true` turns it all off.
 */
export function startTelemetry(options: TelemetryOptions): void {
  const env = process.env;
  if (running || env['OTEL_SDK_DISABLED'] === 'true') return;
  // Logs go to stdout as JSON lines (pino), not over OTLP, unless asked for.
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  // The service decides where `/metrics` is served (see `metricsHandler`).
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const exported = tracesAreExported(env);
  // Routes and Nest's handlers are named by the service defaults' interceptor, not by an Express
  // instrumentation that would wrap every middleware of every request.
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
    }),
    // Carry the trace across RabbitMQ and Socket.IO, so that every service logs the same trace id.
    new AmqplibInstrumentation(),
    new SocketIoInstrumentation(),
    new PinoInstrumentation(),
    new RuntimeNodeInstrumentation(),
    // The stores' spans are leaves that only a trace backend reads: with nowhere to send spans,
    // their clients are not wrapped at all (a cache hit's one Redis call cost a fifth of its time).
    ...(exported
      ? [
          // Only queries made for a request or a message: not the outbox's polls or probes.
          new PgInstrumentation({ requireParentSpan: true }),
          new IORedisInstrumentation(),
          new MongoDBInstrumentation(),
        ]
      : []),
  ];
  // The apps are ES modules: what they `import` themselves (Express, pino…) never passes
  // through `require`, so the instrumented packages' imports are hooked too, and only those.
  interceptImports({
    include: instrumentations.flatMap((instrumentation) =>
      instrumentation.getModuleDefinitions().map((definition) => definition.name),
    ),
  });
  const sdk = new NodeSDK({
    // The SDK prefers a name given here over the standard variable; the variable should win.
    serviceName: env['OTEL_SERVICE_NAME'] || options.serviceName,
    // With nowhere to send them, spans are not recorded: they still carry the ids logs need.
    ...(exported
      ? {}
      : { sampler: new AlwaysOffSampler(), spanProcessors: [new NoopSpanProcessor()] }),
    metricReaders: [prometheus],
    instrumentations,
  });
  sdk.start();
  running = { sdk, prometheus };
}

/** Sends what is still buffered and stops; the service defaults call it at shutdown. */
export async function stopTelemetry(): Promise<void> {
  const stopping = running;
  running = undefined;
  await stopping?.sdk.shutdown();
}

/** What answers Prometheus's scrapes, in its text format; undefined while telemetry is off. */
export function metricsHandler(): MetricsHandler | undefined {
  const prometheus = running?.prometheus;
  return (
    prometheus && ((request, response) => prometheus.getMetricsRequestHandler(request, response))
  );
}
