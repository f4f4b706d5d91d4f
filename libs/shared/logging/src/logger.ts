import pino, { type DestinationStream, type Logger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A service's logger: one JSON object per line on stdout, with its time, level name, service and
 * message (`msg`), ready for `jq`, Loki or CloudWatch. Inside a traced request or message, the
 * OpenTelemetry pino instrumentation adds `trace_id` and `span_id` to every line.
 */
export function createLogger(
  service: string,
  level: LogLevel = 'info',
  destination?: DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
