import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A PEM file named by an environment variable, read at boot. */
export interface PemFile {
  path: string;
  pem: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readPem(path: string, ctx: z.RefinementCtx): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    ctx.addIssue({ code: 'custom', message: `cannot read the file ${path} (${code})` });
    return undefined;
  }
  if (!text.includes('-----BEGIN ')) {
    ctx.addIssue({ code: 'custom', message: `${path} is not a PEM file` });
    return undefined;
  }
  return text;
}

/** The PEM certificates in `pem` (a bundle may hold several); throws if one does not parse. */
export function pemCertificates(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
}

/**
 * Path of a readable PEM file holding what `kind` says; empty counts as unset. Read and parsed at
 * boot so that a wrong path or a wrong file stops the start with a message naming the variable.
 */
export const pemFile = (kind: 'certificate' | 'private-key' | 'ca-bundle') =>
  z
    .string()
    .trim()
    .optional()
    .transform((path, ctx): PemFile | undefined => {
      if (path === undefined || path === '') return undefined;
      const pem = readPem(path, ctx);
      if (pem === undefined) return z.NEVER;
      try {
        if (kind === 'private-key') createPrivateKey(pem);
        else if (pemCertificates(pem).length === 0) throw new Error('no certificate');
      } catch {
        const what =
          kind === 'private-key'
            ? 'an unencrypted PEM private key'
            : kind === 'certificate'
              ? 'a PEM certificate (chain)'
              : 'a bundle of PEM CA certificates';
        ctx.addIssue({ code: 'custom', message: `${path} does not hold ${what}` });
        return z.NEVER;
      }
      return { path, pem };
    });

function keyMatches(cert: PemFile, key: PemFile): boolean {
  try {
    return pemCertificates(cert.pem)[0].checkPrivateKey(createPrivateKey(key.pem));
  } catch {
    return false;
  }
}

/** Both or neither of HUB_TLS_CERT and HUB_TLS_KEY, the key matching the (first) certificate. */
export function checkTlsPair(
  env: { HUB_TLS_CERT?: PemFile; HUB_TLS_KEY?: PemFile; HUB_TLS_CLIENT_CA?: PemFile },
  ctx: z.RefinementCtx,
): void {
  const { HUB_TLS_CERT: cert, HUB_TLS_KEY: key, HUB_TLS_CLIENT_CA: ca } = env;
  if (cert && !key) ctx.addIssue({ code: 'custom', path: ['HUB_TLS_KEY'], message: 'is required when HUB_TLS_CERT is set' });
  if (key && !cert) ctx.addIssue({ code: 'custom', path: ['HUB_TLS_CERT'], message: 'is required when HUB_TLS_KEY is set' });
  if (ca && !cert) {
    ctx.addIssue({
      code: 'custom',
      path: ['HUB_TLS_CLIENT_CA'],
      message: 'needs HUB_TLS_CERT and HUB_TLS_KEY (client certificates exist only when the hub serves HTTPS)',
    });
  }
  if (cert && key && !keyMatches(cert, key)) {
    ctx.addIssue({
      code: 'custom',
      path: ['HUB_TLS_KEY'],
      message: `${key.path} is not the private key of the certificate in HUB_TLS_CERT (${cert.path})`,
    });
  }
}
