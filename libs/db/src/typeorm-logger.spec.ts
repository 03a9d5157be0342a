import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { describeQueryError, ParameterFreeTypeOrmLogger } from './typeorm-logger.js';

describe(ParameterFreeTypeOrmLogger.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('should log a failed statement with its SQL and error code but without its parameters', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = Object.assign(new Error('invalid input syntax for type uuid: "hubmk_secretvalue"'), { code: '22P02' });
    new ParameterFreeTypeOrmLogger().logQueryError(error, 'SELECT * FROM members\n WHERE id = $1', ['hubmk_secretvalue']);
    const line = String(warn.mock.calls[0][0]);
    expect(line).toContain('SELECT * FROM members WHERE id = $1');
    expect(line).toContain('SQLSTATE 22P02');
    expect(line).not.toContain('secretvalue');
  });

  it('should log handled constraint violations at debug only', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const error = Object.assign(new Error('duplicate key value violates unique constraint "uq_x"'), {
      code: '23505',
      constraint: 'uq_x',
      detail: 'Key (domain)=(secret.example) already exists.',
    });
    new ParameterFreeTypeOrmLogger().logQueryError(error, 'INSERT INTO members VALUES ($1)', ['secret.example']);
    expect(warn).not.toHaveBeenCalled();
    expect(String(debug.mock.calls[0][0])).toContain('constraint uq_x');
    expect(String(debug.mock.calls[0][0])).not.toContain('secret.example');
  });

  it('should describe a string error without quoted values', () => {
    expect(describeQueryError('value "abc" is out of range')).toBe('value "…" is out of range');
  });
});
