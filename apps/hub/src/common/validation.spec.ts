import { IsOptional, IsString, MaxLength } from 'class-validator';
import { InvalidInputError, UnsupportedMediaTypeError } from '@app/common';
import { HubValidationPipe, IntegerParamPipe, IsIntegerIn, IsOmittable, IsSaneDate } from './validation.js';

class QueryDto {
  @IsOptional() @IsString() @MaxLength(10) name?: string;
  @IsOptional() @IsSaneDate() since?: Date;
  @IsOptional() @IsIntegerIn(1, 100) limit?: number;
}

class PatchDto {
  @IsOmittable() @IsString() displayName?: string;
}

const pipe = new HubValidationPipe();
const query = (value: unknown) => pipe.transform(value, { type: 'query', metatype: QueryDto });
const invalidParams = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).invalidParams;
};

describe(HubValidationPipe.name, () => {
  it('should turn valid text into typed values', async () => {
    expect(await query({ name: 'x', since: '2026-12-01', limit: '5' })).toEqual(
      Object.assign(new QueryDto(), { name: 'x', since: new Date('2026-12-01'), limit: 5 }),
    );
  });

  it('should name every field carrying a NUL character before the DTO sees it', async () => {
    expect(await invalidParams(query({ name: 'a\u0000', since: '2026\u0000' }))).toEqual([
      { name: 'name', reason: 'must not contain the NUL character (U+0000)' },
      { name: 'since', reason: 'must not contain the NUL character (U+0000)' },
    ]);
    const param = pipe.transform('a\u0000b', { type: 'param', metatype: String, data: 'domain' });
    expect(await invalidParams(param)).toEqual([{ name: 'domain', reason: 'must not contain the NUL character (U+0000)' }]);
  });

  it('should name every field carrying an unpaired surrogate, which no hash or UTF-8 column can hold', async () => {
    const reason = 'contains an unpaired UTF-16 surrogate (not a Unicode character)';
    expect(await invalidParams(query({ name: 'a\ud800' }))).toEqual([{ name: 'name', reason }]);
    const body = pipe.transform({ displayName: 'x\udc00' }, { type: 'body', metatype: PatchDto });
    expect(await invalidParams(body)).toEqual([{ name: 'displayName', reason }]);
    expect(await query({ name: '\ud83d\ude00' })).toEqual(Object.assign(new QueryDto(), { name: '\ud83d\ude00' }));
  });

  it('should answer 415 for a body another parser read, 400 for JSON that is not an object', async () => {
    await expect(pipe.transform(Buffer.from('<a/>'), { type: 'body', metatype: PatchDto })).rejects.toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
    expect(await invalidParams(pipe.transform('text', { type: 'body', metatype: PatchDto }))).toEqual([
      { name: 'body', reason: 'must be a JSON object' },
    ]);
  });

  it('should state failures in plain words without the field name in front', async () => {
    const params = await invalidParams(query({ name: 'x'.repeat(11), since: '0000-01-01', limit: '1e3', extra: '1' }));
    expect(params).toEqual(
      expect.arrayContaining([
        { name: 'name', reason: 'must be shorter than or equal to 10 characters' },
        { name: 'since', reason: expect.stringMatching(/^must be a date .* between 1970 and 9999$/) },
        { name: 'limit', reason: 'must be a whole number from 1 to 100' },
        { name: 'extra', reason: 'is not a field of this request' },
      ]),
    );
  });

  it('should refuse null for a field a partial update may omit', async () => {
    const body = (value: unknown) => pipe.transform(value, { type: 'body', metatype: PatchDto });
    expect(await body({})).toEqual(new PatchDto());
    expect(await invalidParams(body({ displayName: null }))).toEqual([{ name: 'displayName', reason: 'must be text' }]);
  });
});

describe(IntegerParamPipe.name, () => {
  it('should accept a whole number in range and name the parameter otherwise', () => {
    const seq = new IntegerParamPipe(1, 2 ** 31 - 1);
    expect(seq.transform('42', { type: 'param', data: 'seq' })).toBe(42);
    for (const value of ['0', '2147483648', '1.5', 'abc', '99999999999999999999']) {
      expect(() => seq.transform(value, { type: 'param', data: 'seq' })).toThrow(
        /seq: must be a whole number from 1 to 2147483647/,
      );
    }
  });
});
