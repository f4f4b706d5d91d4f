import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { labelHttpRoute, traceHandler } from '@capstone/telemetry';
import type { Observable } from 'rxjs';

/** What the request tells of the route it matched: Express's `route`, Fastify's `routeOptions`. */
interface RoutedRequest {
  readonly route?: { readonly path?: unknown };
  readonly routeOptions?: { readonly url?: unknown };
}

/**
 * Nest's part of the telemetry, for HTTP requests: names each request after the route that
 * answers it (its span and its duration metric), and, for a request being traced, gives the
 * controller's work a span of its own (`ArticlesController.get`). Written for Nest rather than
 * taken from an Express or Fastify instrumentation, which wraps every middleware or hook of every
 * request to learn the same route.
 */
@Injectable()
export class RouteTelemetryInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RoutedRequest>();
    const route = request.routeOptions?.url ?? request.route?.path;
    if (typeof route === 'string') labelHttpRoute(route);
    return traceHandler(`${context.getClass().name}.${context.getHandler().name}`, () =>
      next.handle(),
    );
  }
}
