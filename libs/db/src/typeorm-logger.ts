import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerInterface } from 'typeorm';

/** SQLSTATE classes the repositories expect and handle (unique violations → 409 or a duplicate, retried serialisation failures). */
const HANDLED_CLASSES = new Set(['23', '40']);

/** What PostgreSQL says about a failed statement, minus anything that may quote a value. */
export function describeQueryError(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; constraint?: unknown; table?: unknown; column?: unknown; message?: unknown };
  const parts = [
    typeof e.code === 'string' ? `SQLSTATE ${e.code}` : undefined,
    typeof e.table === 'string' ? `table ${e.table}` : undefined,
    typeof e.column === 'string' ? `column ${e.column}` : undefined,
    typeof e.constraint === 'string' ? `constraint ${e.constraint}` : undefined,
  ].filter((p) => p !== undefined);
  // "invalid input syntax for type uuid: \"…\"", "value too long …": values appear between quotes
  const message = String(typeof error === 'string' ? error : (e.message ?? '')).replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  return [message, ...parts].join('; ');
}

/**
 * TypeORM's logger, through Nest's (one log format for the process): failed and slow statements
 * are logged with their SQL text, never with their parameters, which carry member data and token
 * hashes, nor with the parts of PostgreSQL's message that quote a value. Expected failures the
 * repositories handle are logged at debug. Successful queries are not logged.
 */
export class ParameterFreeTypeOrmLogger implements TypeOrmLoggerInterface {
  private readonly logger = new Logger('Database');

  logQuery(): void {}

  /** `parameters` is deliberately never read. */
  logQueryError(error: string | Error, query: string, _parameters?: unknown): void {
    const code = (error as { code?: unknown })?.code;
    const handled = typeof code === 'string' && HANDLED_CLASSES.has(code.slice(0, 2));
    const line = `query failed: ${describeQueryError(error)} -- ${oneLine(query)}`;
    if (handled) this.logger.debug(line);
    else this.logger.warn(line);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${oneLine(query)}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}

const oneLine = (query: string) => query.replace(/\s+/g, ' ').trim().slice(0, 2000);
