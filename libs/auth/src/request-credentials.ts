import type { X509Certificate } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import { TOKEN_PREFIXES } from '@app/common';

/** The client certificate presented on the request's TLS connection, if the hub terminates TLS. */
export interface PeerCertificate {
  certificate: X509Certificate;
  /** the TLS layer verified the chain to a configured CA (HUB_TLS_CLIENT_CA) */
  chainVerified: boolean;
}

export function peerCertificate(request: { raw?: { socket?: unknown } }): PeerCertificate | null {
  const socket = request.raw?.socket;
  if (!(socket instanceof TLSSocket)) return null;
  const certificate = socket.getPeerX509Certificate();
  return certificate ? { certificate, chainVerified: socket.authorized } : null;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A bearer value that is a compact JWS (three base64url parts) rather than an API key. */
export function isCompactJws(token: string): boolean {
  return !token.startsWith(TOKEN_PREFIXES.memberKey) && COMPACT_JWS.test(token);
}

/** Is `now` within the certificate's own validity period? */
export function certificateCurrent(certificate: X509Certificate, now: Date): boolean {
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= now.getTime() && now.getTime() <= to;
}
