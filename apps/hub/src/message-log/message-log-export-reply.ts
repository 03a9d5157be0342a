import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { jsonLinesExport, type MessageLogExport, xmlExport } from '@app/message-log';
import type { ExportFormat } from './message-log-query.dto.js';

const ACCEPTED: Record<string, ExportFormat> = {
  'application/jsonl': 'jsonl',
  'application/x-ndjson': 'jsonl',
  'application/json-lines': 'jsonl',
  'application/xml': 'xml',
  'text/xml': 'xml',
};
const CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/jsonl; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

/** ?format= wins; otherwise the first export media type the Accept header lists; otherwise JSON Lines. */
export function exportFormatOf(requested: ExportFormat | undefined, request: FastifyRequest): ExportFormat {
  if (requested) return requested;
  const accept = request.headers.accept ?? '';
  for (const range of accept.split(',')) {
    const format = ACCEPTED[range.split(';')[0].trim().toLowerCase()];
    if (format) return format;
  }
  return 'jsonl';
}

/**
 * Streams an export as an attachment. The first chunk (which carries the first page of rows) is
 * awaited before the status line goes out, so a failing query still becomes a problem document;
 * later chunks are written as the pages arrive.
 */
export async function sendExport(reply: FastifyReply, exported: MessageLogExport, format: ExportFormat): Promise<void> {
  const chunks =
    format === 'xml'
      ? xmlExport(
          {
            hub: exported.hub,
            for: exported.for ?? undefined,
            from: exported.from,
            to: exported.to,
            asOf: exported.asOf,
            filters: exported.filters,
          },
          exported.pages,
        )
      : jsonLinesExport(exported.pages);
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  async function* all(): AsyncIterable<string> {
    try {
      if (!first.done) yield first.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      // a client that goes away ends the underlying page loop too (and its audit entry)
      await it.return?.();
    }
  }
  const stamp = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, '');
  void reply
    .header('Content-Disposition', `attachment; filename="message-log-${stamp(exported.from)}-${stamp(exported.to)}.${format}"`)
    .header('Cache-Control', 'no-store')
    .type(CONTENT_TYPES[format])
    .send(Readable.from(all(), { objectMode: false }));
}
