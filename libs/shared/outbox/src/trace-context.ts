import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/** The W3C headers (`traceparent`, `tracestate`) of a trace, as they are stored and sent. */
export type TraceCarrier = Record<string, string>;

/** The trace the caller is in, to be resumed later; null outside a trace (or without telemetry). */
export function currentTraceCarrier(): TraceCarrier | null {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : null;
}

/** The context a stored carrier describes: work done in it joins the trace it came from. */
export function contextOf(carrier: TraceCarrier | null): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}
