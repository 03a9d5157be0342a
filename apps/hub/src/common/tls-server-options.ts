import type { ServerOptions } from 'node:https';
import type { HubTlsConfig } from '@app/config';

/**
 * The hub's own HTTPS server (HUB_TLS_CERT/HUB_TLS_KEY). Client certificates are requested but
 * never required (`rejectUnauthorized: false`): callers without one, or with one the hub does not
 * know, still complete the handshake and may authenticate with an API key or a signed request, or
 * stay anonymous on public routes. Whether a certificate identifies a member is decided per request
 * by its pin (libs/auth CredentialVerifier); with HUB_TLS_CLIENT_CA the certificate must also chain
 * to one of those CAs, which are then also the acceptable issuers the server announces.
 */
export function tlsServerOptions(tls: HubTlsConfig): ServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.clientCa ? { ca: tls.clientCa } : {}),
    requestCert: true,
    rejectUnauthorized: false,
  };
}
