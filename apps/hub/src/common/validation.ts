import { type ArgumentMetadata, applyDecorators, type PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf } from 'class-validator';
import {
  DATE_REASON,
  InvalidInputError,
  InvalidParam,
  MAX_SAFE_BIGINT,
  parseSaneDate,
  parseSafeInteger,
  UnsupportedMediaTypeError,
  unstorableTextParams,
} from '@app/common';

const PLAIN_TYPES = new Set<unknown>([Object, String, Number, Boolean, Array]);

/** class-validator's default messages that are not plain words, by constraint. */
const PLAIN_REASONS: Record<string, string> = {
  whitelistValidation: 'is not a field of this request',
  isString: 'must be text',
  isInt: 'must be a whole number',
  isDate: DATE_REASON,
  isIso8601: DATE_REASON,
  isObject: 'must be a JSON object',
  isArray: 'must be a JSON array',
  isBoolean: 'must be true or false',
  nestedValidation: 'must be a JSON object',
};

/** The reason without the field name class-validator puts first ("limit must not be…" → "must not be…"). */
function plainReason(property: string, constraint: string, message: string): string {
  const plain = PLAIN_REASONS[constraint];
  if (plain) return plain;
  const reason = message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
  return reason.replace(/^each value in /, 'each value ').replace(/ of the following values:/, ' of:');
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): InvalidParam[] {
  return errors.flatMap((e) => {
    const name = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, message]) => ({
      name,
      reason: plainReason(e.property, constraint, message),
    }));
    return [...own, ...flattenValidationErrors(e.children ?? [], name)];
  });
}

/**
 * DTO validation at the edge; failures become a 400 problem naming each field. Before the DTO
 * sees a value, two checks that apply to every route: a string carrying U+0000 (which PostgreSQL
 * text cannot hold) or an unpaired surrogate (which UTF-8 and the RFC 8785 hashes cannot hold)
 * anywhere in a body, query or path parameter is refused naming its field, and
 * a JSON route given a body another parser read (XML bytes, text, JSON Lines) answers 415.
 */
export class HubValidationPipe extends ValidationPipe implements PipeTransform {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new InvalidInputError('request validation failed', flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body' && Buffer.isBuffer(value)) {
      throw new UnsupportedMediaTypeError('this route takes a JSON body: send Content-Type: application/json');
    }
    const dto = metadata.metatype !== undefined && !PLAIN_TYPES.has(metadata.metatype);
    if (
      metadata.type === 'body' &&
      dto &&
      value !== undefined &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw InvalidInputError.forField('body', 'must be a JSON object');
    }
    const unstorable = unstorableTextParams(value, metadata.data ?? '');
    if (unstorable.length > 0) throw new InvalidInputError('request validation failed', unstorable);
    return super.transform(value, metadata);
  }
}

export const validationPipe = new HubValidationPipe();

/**
 * An instant given as ISO 8601 text (query or body), turned into a Date only when it lies within
 * 1970–9999: year 0, −271821 or +275760 and impossible days are a 400 naming the field.
 */
export function IsSaneDate(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value instanceof Date ? value : (parseSaneDate(value) ?? value))),
    ValidateBy({
      name: 'isSaneDate',
      validator: { validate: (v: unknown) => v instanceof Date, defaultMessage: () => DATE_REASON },
    }),
  );
}

/** The same range for a value kept as its text (a UTC day such as 2026-12-01). */
export function IsSaneDateText(): PropertyDecorator {
  return ValidateBy({
    name: 'isSaneDateText',
    validator: { validate: (v: unknown) => parseSaneDate(v) !== undefined, defaultMessage: () => DATE_REASON },
  });
}

/**
 * A whole number in [min, max] written in decimal digits (query text or a JSON number); "1.5",
 * "1e400", "0x10", "" and numbers past what the column holds are a 400 naming the field.
 */
export function IsIntegerIn(min: number, max: number = MAX_SAFE_BIGINT): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? (parseSafeInteger(value, min, max) ?? value) : value,
    ),
    ValidateBy({
      name: 'isIntegerIn',
      constraints: [min, max],
      validator: {
        validate: (v: unknown) => parseSafeInteger(v, min, max) !== undefined,
        defaultMessage: () => `must be a whole number from ${min} to ${max}`,
      },
    }),
  );
}

/** A path parameter holding a whole number in [min, max]; anything else is a 400 naming it. */
export class IntegerParamPipe implements PipeTransform<string, number> {
  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {}

  transform(value: string, metadata: ArgumentMetadata): number {
    const n = parseSafeInteger(value, this.min, this.max);
    if (n === undefined) {
      throw InvalidInputError.forField(metadata.data ?? 'value', `must be a whole number from ${this.min} to ${this.max}`);
    }
    return n;
  }
}

/**
 * Optional in a partial update, but never null: an absent field is left as it is, while null
 * would try to clear a column that must hold a value (IsOptional lets null through).
 */
export const IsOmittable = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);
