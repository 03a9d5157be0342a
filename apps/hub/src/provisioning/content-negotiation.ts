import { PROVISIONING_JSON_MEDIA_TYPE, PROVISIONING_XML_MEDIA_TYPE } from '@app/xml';
import type { ViewFormat } from '@app/provisioning';

export class NotAcceptableError extends Error {}

const XML_TYPES = [PROVISIONING_XML_MEDIA_TYPE, 'application/xml', 'text/xml'];
const JSON_TYPES = [PROVISIONING_JSON_MEDIA_TYPE, 'application/json'];

/** XML unless the client prefers JSON; null when it accepts neither (406). */
export function negotiateFormat(accept: string | undefined): ViewFormat | null {
  if (!accept || accept.trim() === '') return 'xml';
  let best: { format: ViewFormat; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const format: ViewFormat | null =
      XML_TYPES.includes(type) || type === '*/*' || type === 'application/*' || type === 'text/*'
        ? 'xml'
        : JSON_TYPES.includes(type)
          ? 'json'
          : null;
    if (format && (!best || q > best.q)) best = { format, q };
  }
  return best?.format ?? null;
}

const XML_CONTENT_TYPE = `${PROVISIONING_XML_MEDIA_TYPE}; charset=utf-8`;
const JSON_CONTENT_TYPE = `${PROVISIONING_JSON_MEDIA_TYPE}; charset=utf-8`;

export function contentTypeOf(format: ViewFormat): string {
  return format === 'xml' ? XML_CONTENT_TYPE : JSON_CONTENT_TYPE;
}

/** RFC 9110 If-None-Match: "*" or a list of (possibly weak) entity tags. */
export function matchesIfNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return false;
  if (value.trim() === '*') return true;
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
