import { UnauthenticatedError } from '@app/common';

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{16,8192})\s*$/i;

export function bearerToken(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new UnauthenticatedError('missing Authorization: Bearer credentials');
  const token = parseBearer(value);
  if (token === undefined) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
  return token;
}

/** The token of a well-formed `Bearer <token>` value, else undefined (the non-throwing form of bearerToken). */
export function parseBearer(value: string): string | undefined {
  return BEARER.exec(value)?.[1];
}
