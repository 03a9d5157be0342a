import { hash } from 'node:crypto';
import { z } from 'zod';
import { parseParticipantUri, ParticipantUriError, type ParticipantUri } from './participant-uri.js';

/** Most records a batch may carry (issue 5: 1–1,000). */
export const MAX_BATCH_RECORDS = 1000;
/** Largest body a record may carry inline; larger messages are logged by digest. */
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_RECIPIENTS = 100;

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

const uri = z.string().min(1).max(512);
// printable, no separators that would break JSON Lines or the array encoding of the repository
const messageId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be 1–256 visible ASCII characters');

/** A JSON Lines line that is not JSON: rejected as that record, not as the whole batch. */
export class MalformedLine {
  constructor(readonly detail: string) {}
}

/** One record as a member submits it (JSON or one JSON Lines line). */
export const messageRecordSchema = z
  .object({
    messageId,
    origin: z.string().min(1).max(253),
    sender: uri,
    recipients: z.array(uri).max(MAX_RECIPIENTS).default([]),
    room: uri.optional(),
    timestamp: z.iso.datetime({ offset: true }),
    direction: z.enum(DIRECTIONS),
    contentType: z
      .string()
      .max(255)
      .regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;.*)?$/i, 'must be a media type such as text/plain'),
    body: z.string().optional(),
    bodySha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.body === undefined) === (r.bodySha256 === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'give exactly one of body and bodySha256' });
    }
    if (r.body !== undefined && Buffer.byteLength(r.body, 'utf8') > MAX_BODY_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `is over ${MAX_BODY_BYTES} bytes: log it by bodySha256` });
    }
    if (r.recipients.length === 0 && r.room === undefined) {
      ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'give at least one recipient or a room' });
    }
  });

export type MessageRecordInput = z.input<typeof messageRecordSchema>;

/** A record that passed the shape checks, with its participants parsed and its digest computed. */
export interface ParsedRecord {
  index: number;
  messageId: string;
  origin: string;
  sender: ParticipantUri;
  recipients: ParticipantUri[];
  room: ParticipantUri | null;
  ts: Date;
  direction: Direction;
  contentType: string;
  body: string | null;
  bodySha256: string;
}

export interface RejectedRecord {
  index: number;
  messageId: string | null;
  reason: RejectionReason;
  /** the offending field, as a path into the record (`recipients[2]`) */
  field?: string;
  detail: string;
}

export type RejectionReason =
  'invalid' | 'origin-not-caller' | 'timestamp-out-of-window' | 'participant-not-member' | 'origin-not-party' | 'not-allowed';

export type RecordParse = { ok: true; record: ParsedRecord } | { ok: false; rejected: RejectedRecord };

/** Shape checks of one record; never throws. */
export function parseRecord(input: unknown, index: number): RecordParse {
  const idOf = () => {
    const id = (input as { messageId?: unknown } | null)?.messageId;
    return typeof id === 'string' ? id.slice(0, 256) : null;
  };
  if (input instanceof MalformedLine)
    return { ok: false, rejected: { index, messageId: null, reason: 'invalid', detail: input.detail } };
  const result = messageRecordSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return {
      ok: false,
      rejected: { index, messageId: idOf(), reason: 'invalid', field: field || undefined, detail: issue.message },
    };
  }
  const r = result.data;
  let field = 'sender';
  try {
    const sender = parseParticipantUri(r.sender);
    const recipients = r.recipients.map((u, i) => {
      field = `recipients[${i}]`;
      return parseParticipantUri(u);
    });
    field = 'room';
    const room = r.room === undefined ? null : parseParticipantUri(r.room);
    return {
      ok: true,
      record: {
        index,
        messageId: r.messageId,
        origin: r.origin.toLowerCase().replace(/\.$/, ''),
        sender,
        recipients,
        room,
        ts: new Date(r.timestamp),
        direction: r.direction,
        contentType: r.contentType,
        body: r.body ?? null,
        bodySha256: r.body !== undefined ? hash('sha256', r.body, 'hex') : (r.bodySha256 as string).toLowerCase(),
      },
    };
  } catch (error) {
    if (!(error instanceof ParticipantUriError)) throw error;
    return { ok: false, rejected: { index, messageId: r.messageId, reason: 'invalid', field, detail: error.message } };
  }
}

/** JSON Lines (one record per line, blank lines ignored); a line that is not JSON becomes a MalformedLine. */
export function parseJsonLines(text: string): unknown[] {
  const records: unknown[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      records.push(new MalformedLine(`line ${i + 1} is not JSON: ${(error as Error).message}`));
    }
  }
  return records;
}
