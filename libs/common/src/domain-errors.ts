/**
 * Errors thrown by domain services. They carry no HTTP knowledge: the hub's
 * problem-details filter maps each kind to a status code, and the worker maps
 * them to retry/no-retry decisions.
 */
export interface InvalidParam {
  name: string;
  reason: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type DomainErrorKind =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unprocessable'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'unavailable';

export class InvalidInputError extends DomainError {
  readonly kind = 'invalid-input' as const;
  constructor(
    message: string,
    readonly invalidParams: InvalidParam[] = [],
  ) {
    super(message);
  }
  static forField(name: string, reason: string): InvalidInputError {
    return new InvalidInputError(`${name}: ${reason}`, [{ name, reason }]);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

/** Well-formed input that cannot be acted on as a whole (e.g. a batch whose every record is rejected). */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable' as const;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = 'unsupported-media-type' as const;
}

export class PayloadTooLargeError extends DomainError {
  readonly kind = 'payload-too-large' as const;
}

export class UnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
}
