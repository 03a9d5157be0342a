import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { toProblem } from './problem-details.filter.js';

const request = { method: 'GET', url: '/v1/x', id: 'req-1' } as unknown as FastifyRequest;

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = { error: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) } as unknown as Logger;
  return { logger, lines };
}

function queryError(code: string, message: string): QueryFailedError {
  const driverError = Object.assign(new Error(message), { code, table: 'members' });
  return new QueryFailedError('SELECT * FROM members WHERE id = $1', ['secret-parameter'], driverError);
}

describe('toProblem', () => {
  it('should answer an unexpected database error with an opaque 500 and log it without the values it quotes', () => {
    const { logger, lines } = capture();
    const problem = toProblem(queryError('XX000', 'internal error near "member-secret-value"'), request, logger);
    expect(problem).toMatchObject({ status: 500, detail: 'internal error', errorId: expect.any(String) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SQLSTATE XX000');
    expect(lines[0]).toContain(String(problem.errorId));
    expect(lines[0]).not.toContain('member-secret-value');
    expect(lines[0]).not.toContain('secret-parameter');
  });

  it('should log the whole stack of an unexpected error that is not a database error', () => {
    const { logger, lines } = capture();
    toProblem(new Error('plain failure "kept"'), request, logger);
    expect(lines[0]).toContain('plain failure "kept"');
    expect(lines[0]).toMatch(/\n\s+at /);
  });

  it('should map a unique violation that escaped the services to a 409', () => {
    const { logger } = capture();
    expect(toProblem(queryError('23505', 'duplicate key value "x"'), request, logger)).toMatchObject({ status: 409 });
  });
});
