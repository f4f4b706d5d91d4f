import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { Observable } from 'rxjs';

const tracer = trace.getTracer('capstone');

/**
 * Names the HTTP request being served after its route (`/api/articles/:slug`): the HTTP
 * instrumentation puts it on the request's span (`http.route`) and on the
 * `http.server.request.duration` series when the response ends. A no-op with telemetry off.
 */
export function labelHttpRoute(route: string): void {
  const request = getRPCMetadata(context.active());
  if (request?.type === RPCType.HTTP) request.route = route;
}

/**
 * Runs a handler's work (an observable, as Nest's interceptors see it) in a span of its own named
 * `name`, a child of the request's, but only when the request is being recorded: an unsampled
 * request pays nothing for it.
 */
export function traceHandler<T>(name: string, work: () => Observable<T>): Observable<T> {
  if (!trace.getActiveSpan()?.isRecording()) return work();
  return new Observable<T>((subscriber) => {
    const span = tracer.startSpan(name);
    const subscription = context.with(trace.setSpan(context.active(), span), () =>
      work().subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          subscriber.error(error);
        },
        complete: () => {
          span.end();
          subscriber.complete();
        },
      }),
    );
    return () => subscription.unsubscribe();
  });
}
