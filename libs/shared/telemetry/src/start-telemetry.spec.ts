import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, isSpanContextValid, metrics, propagation, trace } from '@opentelemetry/api';
import { OtlpReceiver } from '@capstone/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsHandler, startTelemetry, stopTelemetry } from './start-telemetry.js';

/** Serves whatever `metricsHandler()` answers, as a service's internal port would. */
async function scrape(): Promise<string> {
  const handler = metricsHandler();
  if (!handler) throw new Error('no metrics handler');
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    server.close();
  }
}

function finishedSpan(name: string): string {
  const span = trace.getTracer('spec').startSpan(name);
  span.end();
  return span.spanContext().traceId;
}

afterEach(async () => {
  await stopTelemetry();
  vi.unstubAllEnvs();
  // The SDK registers the API's globals once per process; a later start must be able to again.
  for (const api of [trace, metrics, context, propagation]) api.disable();
});

describe('startTelemetry', () => {
  it('sends spans to OTEL_EXPORTER_OTLP_ENDPOINT over http/json, named after the service', async () => {
    const receiver = await OtlpReceiver.start();
    try {
      for (const [name, value] of Object.entries(receiver.environment)) vi.stubEnv(name, value);
      startTelemetry({ serviceName: 'spec-service' });

      const traceId = finishedSpan('unit of work');
      await stopTelemetry();

      const [span] = await receiver.waitFor('the span', () => receiver.trace(traceId));
      expect(span).toMatchObject({ name: 'unit of work', service: 'spec-service', traceId });
    } finally {
      await receiver.close();
    }
  });

  it('lets OTEL_SERVICE_NAME rename the service', async () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'renamed');
    startTelemetry({ serviceName: 'spec-service' });

    expect(await scrape()).toMatch(/^target_info\{[^}]*service_name="renamed"/m);
  });

  it('still gives every span a trace id without an endpoint, and serves metrics for Prometheus', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    startTelemetry({ serviceName: 'spec-service' });

    const span = trace.getTracer('spec').startSpan('unit of work');
    expect(isSpanContextValid(span.spanContext())).toBe(true);
    span.end();
    const text = await scrape();
    expect(text).toMatch(/^target_info\{[^}]*service_name="spec-service"/m);
    expect(text).toMatch(/^# TYPE v8js_memory_heap_used/m);
  });

  it('does nothing with OTEL_SDK_DISABLED=true', () => {
    vi.stubEnv('OTEL_SDK_DISABLED', 'true');
    startTelemetry({ serviceName: 'spec-service' });

    const span = trace.getTracer('spec').startSpan('unit of work');
    expect(isSpanContextValid(span.spanContext())).toBe(false);
    expect(metricsHandler()).toBeUndefined();
  });
});
