import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialVerifier } from '@app/auth';
import type { ProvisioningFetchUsage, ProvisioningViews } from '@app/provisioning';
import { cheapRequestIdFor } from '../common/request-id.js';
import type { RequestCells } from '../metrics/http-metrics.js';
import { contentTypeOf, matchesIfNoneMatch, negotiateFormat } from './content-negotiation.js';
import { VIEW_VARY, viewCacheControl } from './send-view.js';

const PATH_PREFIX = '/.well-known/pres-im-provisioning/';

/**
 * The federation's hot path answered before Fastify: `GET /.well-known/pres-im-provisioning/{domain}`
 * by a member with an API key, when both the key's principal and the rendered view are already in
 * the in-process caches. bench/provisioning showed that once the database and the rendering are
 * cached, Fastify's request pipeline (hooks, reply, promises) costs more than everything the route
 * itself does; answering here brings a hit close to a bare server (docs/benchmarks.md).
 *
 * It is an accelerator, not a second implementation: `serve` either writes the exact response the
 * Fastify route (well-known-member.route.ts, send-view.ts) would write — same status, headers and
 * bytes — or writes nothing and returns false, and Fastify handles the request as before. It
 * declines everything but the one case it can judge synchronously from the caches: other methods
 * (HEAD included), any other path, a segment Fastify would decode or reject, no Authorization
 * header (anonymous, client certificates), signed requests, keys not cached yet, members that are
 * not active (the route's 403), formats it cannot serve (406), uncached views (404s included: they
 * are never cached). Revocations, status and privacy changes reach it through the same ChangeBus
 * invalidation of the same caches, so it refuses nothing later than the route would.
 */
export class WellKnownFastPath {
  /**
   * Keep-alive clients send the same Authorization header on every request of a connection: the
   * SHA-256 of its key is computed once per connection and header value. Only the hash lookup is
   * skipped; the principal still comes from the verifier's cache, so a revocation applies at once.
   */
  private readonly keyHashBySocket = new WeakMap<object, { authorization: string; hash: string }>();

  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly views: ProvisioningViews,
    private readonly usage: ProvisioningFetchUsage,
    /** Fastify's maxParamLength: a longer segment is a 404 from its router, not ours to answer */
    private readonly maxParamLength: number,
    /** the route's request metrics for the two answers given here, bound once (HttpMetrics) */
    private readonly metrics: { ok: RequestCells; notModified: RequestCells },
  ) {}

  /** Answers the request and returns true, or returns false having written nothing. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET') return false;
    const url = request.url;
    if (url === undefined || !url.startsWith(PATH_PREFIX)) return false;
    // every request of the hub passes here: only the route's own pay for reading the clock
    const started = performance.now();
    // Used as the cache key as it is: views are cached under normalised domain names only, so a
    // segment with a query, a '%' escape, a '/', upper case or IDNA input simply misses and goes
    // to Fastify, which decodes and normalises it. Empty would be the hub document's key.
    const domain = url.slice(PATH_PREFIX.length);
    if (domain.length === 0 || domain.length > this.maxParamLength) return false;
    const hash = this.keyHashOf(request);
    if (hash === undefined) return false;
    const member = this.verifier.peekApiKeyMemberByHash(hash);
    if (member?.status !== 'active') return false;
    const format = negotiateFormat(request.headers.accept);
    if (!format) return false;
    const view = this.views.peekMemberView(domain, member.domain, format);
    if (!view) return false;
    this.usage.fetched('http', member.domain, domain);

    // The names, their order and the values are those Fastify writes for the route (its onRequest
    // hooks set X-Request-Id, then X-Content-Type-Options and a default Cache-Control, which
    // sendView replaces in place; then sendView's ETag and Vary); Node adds Date, Connection and
    // Keep-Alive to both. A flat [name, value, …] array, the form Node's writeHead takes without
    // enumerating an object.
    // prettier-ignore
    const headers = [
      'x-request-id', cheapRequestIdFor(request),
      'x-content-type-options', 'nosniff',
      'cache-control', viewCacheControl(member.domain),
      'etag', view.etag,
      'vary', VIEW_VARY,
    ];
    if (matchesIfNoneMatch(request.headers['if-none-match'], view.etag)) {
      response.writeHead(304, headers);
      response.end();
      return this.counted(this.metrics.notModified, started);
    }
    headers.push('content-type', contentTypeOf(format), 'content-length', String(view.body.length));
    response.writeHead(200, headers);
    response.end(view.body);
    return this.counted(this.metrics.ok, started);
  }

  /** Counts the answer as Fastify's onResponse hook counts the route's (HttpMetrics): request, status, time taken. */
  private counted(cells: RequestCells, started: number): true {
    cells.count.value++;
    cells.duration.observe((performance.now() - started) / 1000);
    return true;
  }

  private keyHashOf(request: IncomingMessage): string | undefined {
    const authorization = request.headers.authorization;
    if (authorization === undefined) return undefined;
    const memo = this.keyHashBySocket.get(request.socket);
    if (memo?.authorization === authorization) return memo.hash;
    const hash = this.verifier.apiKeyHashOf(authorization);
    if (hash !== undefined) this.keyHashBySocket.set(request.socket, { authorization, hash });
    return hash;
  }
}
