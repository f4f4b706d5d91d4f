import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
} from '@opentelemetry/api';
import { SocketTraceFields, type SocketAck } from '@capstone/contracts';
import { finalize, tap, type Observable } from 'rxjs';
import { z } from 'zod';

const tracer = trace.getTracer('@capstone/chat');

/** The trace fields of a socket payload, whatever else it holds (its own schema reads the rest). */
const TraceFields = z.object(SocketTraceFields);

/**
 * The trace a client says its message belongs to, read as OpenTelemetry reads W3C headers
 * (`propagation.extract`, as the outbox relay resumes a stored trace). A message without one, or
 * with one that is not W3C trace context, starts a trace of its own.
 */
export function clientTraceContext(payload: unknown): Context {
  const fields = TraceFields.safeParse(payload);
  return fields.success ? propagation.extract(ROOT_CONTEXT, fields.data) : ROOT_CONTEXT;
}

/** The trace of the work in progress, as the fields a broadcast carries; none without telemetry. */
export function currentTraceFields(): SocketTraceFields {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return TraceFields.safeParse(carrier).data ?? {};
}

/**
 * Runs each socket event's handler in a span (`process <event>`) of the trace the client named
 * in the payload's `traceparent`, so that the handler's work, its database calls and the
 * broadcasts it makes all join the client's trace. Nest runs the handler in the async context
 * `handle()` is called in, hence the call inside `context.with`. Placed outside
 * `SocketAckInterceptor`, it sees the acknowledgement: a refused event ends its span in error.
 */
@Injectable()
export class SocketTraceInterceptor implements NestInterceptor {
  intercept(
    execution: ExecutionContext,
    next: CallHandler<SocketAck<unknown>>,
  ): Observable<SocketAck<unknown>> {
    const ws = execution.switchToWs();
    const event = ws.getPattern();
    const parent = clientTraceContext(ws.getData());
    const span = tracer.startSpan(
      `process ${event}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'socket.io',
          'messaging.operation.type': 'process',
          'messaging.socket.io.event_name': event,
        },
      },
      parent,
    );
    return context
      .with(trace.setSpan(parent, span), () => next.handle())
      .pipe(
        tap((ack) => {
          if (!ack.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: ack.error });
        }),
        finalize(() => span.end()),
      );
  }
}
