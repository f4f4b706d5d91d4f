import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { labelHttpRoute, traceHandler } from '@capstone/telemetry';
import type { Observable } from 'rxjs';

/** What Express tells of the route a request matched. */
interface RoutedRequest {
  readonly route?: { readonly path?: unknown };
}

/**
 * Nest's part of the telemetry, for HTTP requests: names each request after the route that
 * answers it (its span and its duration metric), and, for a request being traced, gives the
 * controller's work a span of its own (`ArticlesController.get`). Written for Nest rather than
 * taken from an Express instrumentation, which wraps every middleware of every request to learn
 * the same route.
 */
@Injectable()
export class RouteTelemetryInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const route = context.switchToHttp().getRequest<RoutedRequest>().route?.path;
    if (typeof route === 'string') labelHttpRoute(route);
    return traceHandler(`${context.getClass().name}.${context.getHandler().name}`, () =>
      next.handle(),
    );
  }
}
