import { UnauthenticatedError } from '@app/common';

export function bearerToken(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new UnauthenticatedError('missing Authorization: Bearer credentials');
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{16,8192})\s*$/i.exec(value);
  if (!match) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
  return match[1];
}
