import { Agent } from 'undici';
import { CappedExchange, type ExchangeFailure } from './capped-exchange.js';
import { CircuitBreaker, type CircuitOptions } from './circuit-breaker.js';
import { DestinationLimiter } from './destination-limiter.js';
import type { DestinationPolicy } from './destination-policy.js';
import { guardedConnector, type Resolver } from './guarded-connector.js';
import { contentDigest, type SigningKeySource, signRequest } from './message-signature.js';
import {
  DestinationBusyError,
  isRetryableStatus,
  OutboundError,
  OutboundResponseError,
  OutboundTransportError,
  outboundErrorIn,
  RefusedDestinationError,
  ResponseTooLargeError,
} from './outbound-errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface OutboundClientOptions {
  policy: DestinationPolicy;
  keys: SigningKeySource;
  userAgent: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxResponseBytes: number;
  concurrencyPerDestination: number;
  circuit: CircuitOptions;
  /** name resolution (tests resolve names to chosen addresses); unset: the system resolver */
  resolve?: Resolver;
  /** extra CAs to trust (tests); unset: the system's */
  ca?: string | string[];
}

export interface OutboundRequest {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';
  url: string | URL;
  contentType: string;
  body: string | Uint8Array;
  /** sent as `Idempotency-Key` and covered by the signature: the receiver drops repeats of it */
  idempotencyKey: string;
  /** further header fields (not signed) */
  headers?: Record<string, string>;
  /** deadline of the whole exchange, body included (ms) */
  timeoutMs?: number;
  /** the key source to sign this request with; unset: the client's */
  keys?: SigningKeySource;
}

/** A destination URI the policy allowed, in the parts a request needs (fragment dropped). */
interface CheckedTarget {
  origin: string;
  /** path and query, as sent in the request line */
  path: string;
  /** the absolute URI without its fragment, as signed in @target-uri */
  href: string;
  /** for messages: origin and path, never the query */
  redacted: string;
}

/** Checked targets kept per URI string; the policy is fixed for the client's life, so a URI's verdict does not change. */
const CHECKED_TARGETS_KEPT = 1024;

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * The one HTTP client for everything the hub sends to members and agencies. Every request:
 * - goes to an `https:` destination that the DestinationPolicy allows, judged again for every
 *   address the name resolves to when a connection is opened (guardedConnector);
 * - carries `Content-Digest` (RFC 9530, sha-256), `Idempotency-Key`, and an HTTP Message
 *   Signature (RFC 9421) by the hub's current signing key over @method, @target-uri,
 *   content-digest, content-type and idempotency-key, with created/expires/keyid/alg;
 * - is bounded: pooled connections per destination (undici Agent), connect, headers and body
 *   timeouts, a deadline for the whole exchange, at most `maxResponseBytes` read of the answer,
 *   redirects never followed (a 3xx is a permanent failure);
 * - is polite: at most `concurrencyPerDestination` in flight per destination (a request finding
 *   no free slot fails at once with DestinationBusyError), a circuit per destination, and the
 *   receiver's `Retry-After` passed on in the error of a 408, 429 or 5xx answer.
 * Failures are OutboundErrors saying whether a retry can help and when.
 */
export class OutboundClient {
  private readonly agent: Agent;
  private readonly circuit: CircuitBreaker;
  private readonly limiter: DestinationLimiter;
  private readonly targets = new Map<string, CheckedTarget>();

  constructor(private readonly options: OutboundClientOptions) {
    this.agent = new Agent({
      connect: guardedConnector({
        policy: options.policy,
        resolve: options.resolve,
        connectTimeoutMs: options.connectTimeoutMs,
        ca: options.ca,
      }),
      connections: options.concurrencyPerDestination,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
    });
    this.circuit = new CircuitBreaker(options.circuit);
    this.limiter = new DestinationLimiter(options.concurrencyPerDestination);
  }

  /** The circuit of a destination (its origin), for tests and health views. */
  circuitOf(url: string | URL): ReturnType<CircuitBreaker['position']> {
    return this.circuit.position(new URL(url).origin);
  }

  /** Sends one signed request; resolves to a 2xx answer, or rejects with an OutboundError. */
  async send(request: OutboundRequest): Promise<OutboundResponse> {
    const target = this.target(String(request.url));
    const destination = target.origin;
    if (!this.limiter.tryAcquire(destination)) throw new DestinationBusyError(destination, this.limiter.limit);
    try {
      this.circuit.admit(destination);
      return await this.exchange(target, request);
    } finally {
      this.limiter.release(destination);
    }
  }

  /**
   * The URI checked against the policy (no DNS: the addresses are judged again at every connect),
   * remembered for the next request to it; a refused URI is not remembered and throws each time.
   */
  private target(uri: string): CheckedTarget {
    const known = this.targets.get(uri);
    if (known) return known;
    const url = this.options.policy.checkUrl(uri);
    url.hash = '';
    const target = { origin: url.origin, path: `${url.pathname}${url.search}`, href: url.href, redacted: redacted(url) };
    if (this.targets.size >= CHECKED_TARGETS_KEPT) this.targets.clear();
    this.targets.set(uri, target);
    return target;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async exchange(target: CheckedTarget, request: OutboundRequest): Promise<OutboundResponse> {
    const destination = target.origin;
    let outcome: 'succeeded' | 'failed' | 'released' = 'released';
    try {
      const headers = await this.signedHeaders(target.href, request);
      const exchange = new CappedExchange(this.options.maxResponseBytes, request.timeoutMs);
      this.agent.dispatch(
        { origin: target.origin, path: target.path, method: request.method, headers, body: request.body },
        exchange,
      );
      const response = await exchange.done.catch((failure: ExchangeFailure) => {
        const { error, status } = failure;
        // the receiver answered: whatever it said, it is alive (unless it asks to be left alone);
        // a refused address says nothing about the receiver; anything else is its failure
        if (status !== undefined && error instanceof ResponseTooLargeError) {
          outcome = isRetryableStatus(status) ? 'failed' : 'succeeded';
        } else if (status === undefined && outboundErrorIn(error) instanceof RefusedDestinationError) {
          outcome = 'released';
        } else outcome = 'failed';
        throw this.transportError(error, target, request.timeoutMs);
      });
      const { status } = response;
      outcome = isRetryableStatus(status) ? 'failed' : 'succeeded';
      if (status >= 200 && status < 300) return response;
      const answer = `${request.method} ${target.redacted} answered ${status}`;
      if (status >= 300 && status < 400) throw new OutboundResponseError(status, `${answer} (redirects are not followed)`);
      throw new OutboundResponseError(status, answer, parseRetryAfter(response.headers['retry-after']));
    } finally {
      if (outcome === 'succeeded') this.circuit.succeeded(destination);
      else if (outcome === 'failed') this.circuit.failed(destination);
      else this.circuit.released(destination);
    }
  }

  private async signedHeaders(targetUri: string, request: OutboundRequest): Promise<Record<string, string>> {
    const signed = {
      'content-digest': contentDigest(request.body),
      'content-type': request.contentType,
      'idempotency-key': request.idempotencyKey,
    };
    const key = await (request.keys ?? this.options.keys).signingKey();
    const signature = await signRequest({ method: request.method, targetUri, headers: signed }, key);
    // lower-case names, so a caller's field can never stand beside a signed one in another case
    const extra = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    return { 'user-agent': this.options.userAgent, ...extra, ...signed, ...signature };
  }

  private transportError(error: unknown, target: CheckedTarget, timeoutMs: number | undefined): OutboundError {
    const known = outboundErrorIn(error);
    if (known) return known;
    return new OutboundTransportError(`${target.redacted}: ${describeTransportError(error, this.options, timeoutMs)}`, {
      cause: error,
    });
  }
}

/** Origin and path only: a query string may hold the receiver's secret. */
export function redacted(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function describeTransportError(
  error: unknown,
  limits: Pick<OutboundClientOptions, 'connectTimeoutMs' | 'headersTimeoutMs' | 'bodyTimeoutMs'>,
  timeoutMs: number | undefined,
): string {
  const e = error as Error & { code?: string; cause?: { code?: string; message?: string } };
  const timeouts: Record<string, string> = {
    UND_ERR_CONNECT_TIMEOUT: `no connection within ${limits.connectTimeoutMs} ms`,
    UND_ERR_HEADERS_TIMEOUT: `no answer within ${limits.headersTimeoutMs} ms`,
    UND_ERR_BODY_TIMEOUT: `the answer's body stalled for ${limits.bodyTimeoutMs} ms`,
  };
  if (e.code && Object.hasOwn(timeouts, e.code)) return timeouts[e.code];
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no complete answer within ${timeoutMs} ms`;
  return e.code ?? e.cause?.code ?? e.cause?.message ?? e.message;
}
