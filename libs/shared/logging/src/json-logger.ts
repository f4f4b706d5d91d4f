import type { LoggerService } from '@nestjs/common';
import { currentCorrelationId } from './correlation.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

type Sink = (line: string) => void;

/**
 * Nest logger that writes one JSON object per line to stdout: easy to read for `jq`, Loki or
 * CloudWatch alike. Each line carries the service name and, inside a request, its correlation id.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minimumLevel: LogLevel = 'info',
    private readonly sink: Sink = (line) => process.stdout.write(`${line}\n`),
  ) {}

  log(message: unknown, ...context: unknown[]): void {
    this.write('info', message, context);
  }

  error(message: unknown, ...context: unknown[]): void {
    this.write('error', message, context);
  }

  warn(message: unknown, ...context: unknown[]): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, ...context: unknown[]): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, ...context: unknown[]): void {
    this.write('debug', message, context);
  }

  private write(level: LogLevel, message: unknown, context: unknown[]): void {
    if (SEVERITY[level] < SEVERITY[this.minimumLevel]) return;
    // Nest passes the logger context (usually a class name) as the last string argument,
    // and for errors a stack trace before it.
    const strings = context.filter((item): item is string => typeof item === 'string');
    const scope = strings.at(-1);
    const stack = level === 'error' && strings.length > 1 ? strings[0] : undefined;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(scope ? { context: scope } : {}),
      correlationId: currentCorrelationId(),
      ...describe(message),
      ...(stack ? { stack } : {}),
    };
    this.sink(JSON.stringify(entry));
  }
}

function describe(message: unknown): Record<string, unknown> {
  if (message instanceof Error) return { msg: message.message, stack: message.stack };
  if (typeof message === 'object' && message !== null) return { ...message };
  return { msg: String(message) };
}
