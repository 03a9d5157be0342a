import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { certificateCurrent, parseBearer, peerCertificate } from '@app/auth';
import type { AppConfig } from '@app/config';
import type { LiAdministrator, LiAdministrators } from '@app/li';

/**
 * Who is calling an /li route, from the headers and the TLS connection alone (no body read): a
 * bearer token of an LI administrator, or, when the hub terminates TLS with HUB_TLS_CLIENT_CA and
 * no Authorization header is sent, a client certificate that chains to one of those CAs, is within
 * its validity and whose SHA-256 is an LI administrator's. Anything else (no credentials, an operator's or a member's, a broken
 * database) is null: the caller then gets the unknown-route answer.
 */
export async function authenticateLiAdministrator(
  request: FastifyRequest,
  administrators: LiAdministrators,
  config: AppConfig,
): Promise<LiAdministrator | null> {
  try {
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : parseBearer(header);
    // as for members: credentials in the header decide, the certificate is never a fallback
    if (header !== undefined) return token ? await administrators.authenticateToken(token) : null;
    if (!config.hub.tls?.clientCa) return null;
    const peer = peerCertificate(request);
    if (!peer?.chainVerified || !certificateCurrent(peer.certificate, new Date())) return null;
    return await administrators.authenticateCertificate(createHash('sha256').update(peer.certificate.raw).digest('hex'));
  } catch {
    return null;
  }
}
