/**
 * Why an outbound request did not succeed. `permanent`: no retry can make it succeed (refused
 * destination, 4xx answer, redirect); otherwise the caller may retry, no sooner than
 * `retryAfterMs` when it is set (the receiver's Retry-After, or the time until an open circuit
 * lets a probe through).
 */
export abstract class OutboundError extends Error {
  abstract readonly permanent: boolean;
  readonly retryAfterMs: number | undefined = undefined;
}

/** The destination is not one the hub may call (scheme, credentials, or an address it resolves to). */
export class RefusedDestinationError extends OutboundError {
  override readonly name = 'RefusedDestinationError';
  readonly permanent = true;
  constructor(readonly reason: string) {
    super(`destination refused: ${reason}`);
  }
}

/** The receiver answered with a status that is not a success. */
export class OutboundResponseError extends OutboundError {
  override readonly name = 'OutboundResponseError';
  readonly permanent: boolean;
  override readonly retryAfterMs: number | undefined;
  constructor(
    readonly status: number,
    message: string,
    retryAfterMs?: number,
  ) {
    super(message);
    this.permanent = !isRetryableStatus(status);
    this.retryAfterMs = this.permanent ? undefined : retryAfterMs;
  }
}

/** No answer: connection refused or reset, DNS failure, or a timeout. */
export class OutboundTransportError extends OutboundError {
  override readonly name = 'OutboundTransportError';
  readonly permanent = false;
}

/** The answer's body is longer than the client reads. */
export class ResponseTooLargeError extends OutboundError {
  override readonly name = 'ResponseTooLargeError';
  readonly permanent = true;
  constructor(
    readonly status: number,
    readonly limitBytes: number,
  ) {
    super(`the answer (status ${status}) is longer than ${limitBytes} bytes`);
  }
}

/** The destination failed repeatedly: nothing is sent until its circuit lets a probe through. */
export class CircuitOpenError extends OutboundError {
  override readonly name = 'CircuitOpenError';
  readonly permanent = false;
  override readonly retryAfterMs: number;
  constructor(destination: string, retryAfterMs: number) {
    super(`circuit open for ${destination}: it failed repeatedly; next probe in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Every request slot of the destination is taken: try again shortly, nothing was sent. */
export class DestinationBusyError extends OutboundError {
  override readonly name = 'DestinationBusyError';
  readonly permanent = false;
  constructor(
    destination: string,
    readonly limit: number,
  ) {
    super(`${destination} already has ${limit} request(s) in flight`);
  }
}

/** 408, 429 and 5xx may succeed later; every other non-2xx answer will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The OutboundError behind `error` (undici and Node wrap errors of the connector in their own). */
export function outboundErrorIn(error: unknown): OutboundError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundError) return e;
  }
  return undefined;
}
