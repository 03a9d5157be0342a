import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: Record<string, LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** JSON lines on stdout for both apps, at the HUB_LOG_LEVEL threshold. */
export function createJsonLogger(level: string, context: string): ConsoleLogger {
  return new ConsoleLogger(context, { json: true, logLevels: LEVELS[level] ?? LEVELS.info });
}
