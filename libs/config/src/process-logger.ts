import type { LoggerService } from '@nestjs/common';
import { pino, type Level, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

/** Nest's start-up chatter: one line per module and per route; useful when debugging only. */
const DEBUG_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

export interface ProcessLogger {
  /** the pino instance: Fastify's logger (hub) and the sink of everything Nest logs */
  pino: PinoLogger;
  /** Nest's LoggerService over the same instance, for Logger.overrideLogger and NestFactory */
  nest: LoggerService;
}

/**
 * One logger per process (hub or worker), at the HUB_LOG_LEVEL threshold: pino writes every line,
 * Nest's as well as Fastify's request logs. JSON lines when stdout is not a terminal (production,
 * containers, log shippers, tests); pino-pretty's readable lines on a terminal. Authorization and
 * cookie headers are redacted should a request's headers ever be logged.
 */
export function createProcessLogger(level: string, name: string, stream: NodeJS.WritableStream = process.stdout): ProcessLogger {
  const options = {
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  const logger = tty
    ? pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: stream }))
    : pino(options, stream);
  return { pino: logger, nest: new PinoNestLogger(logger) };
}

/**
 * Nest's LoggerService written to pino. Nest passes the context (the logger's name) as the last
 * argument, and for errors the stack before it; the context becomes a field, the stack `err.stack`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const strings = params.filter((p): p is string => typeof p === 'string');
    const looksLikeStack = (s: string | undefined) => s !== undefined && /\n\s+at /.test(s);
    let context: string | undefined;
    let stack: string | undefined;
    if (strings.length >= 2) [stack, context] = strings.slice(-2);
    else if (looksLikeStack(strings[0])) stack = strings[0];
    else context = strings[0];
    const effective = level === 'info' && context !== undefined && DEBUG_CONTEXTS.has(context) ? 'debug' : level;
    if (!this.logger.isLevelEnabled(effective)) return;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.err = { stack };
    if (message instanceof Error) fields.err = message;
    else if (typeof message === 'object' && message !== null) fields.data = message;
    const text = message instanceof Error ? message.message : typeof message === 'string' ? message : undefined;
    this.logger[effective](fields, text);
  }
}
