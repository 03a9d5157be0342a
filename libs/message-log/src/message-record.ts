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
const MESSAGE_ID = /^[\x21-\x7e]+$/;
const messageId = z.string().min(1).max(256).regex(MESSAGE_ID, 'must be 1–256 visible ASCII characters');
const timestamp = z.iso.datetime({ offset: true });
// parameters on one line and without surrogates: a lone one would make the record's canonical
// chain entry impossible (RFC 8785 refuses it), which failed the whole batch
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;[^\r\n\u2028\u2029\ud800-\udfff]*)?$/i;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

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
    timestamp,
    direction: z.enum(DIRECTIONS),
    contentType: z.string().max(255).regex(MEDIA_TYPE, 'must be a media type such as text/plain'),
    body: z.string().optional(),
    bodySha256: z.string().regex(SHA256_HEX, 'must be 64 hexadecimal characters').optional(),
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
  /** ts as toISOString() writes it (UTC, milliseconds) */
  tsText: string;
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

const RECORD_KEYS = new Set(Object.keys(messageRecordSchema.shape));
// the pattern zod checks the timestamp against (its only check); without it, zod checks every record
const TIMESTAMP_PATTERN: unknown = (timestamp as { _zod?: { pattern?: unknown } })._zod?.pattern;

// the timestamp as toISOString() writes it, which most members send: then the text is kept as given
const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const isUri = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 512;

/**
 * The shape checks of messageRecordSchema for a record that passes them all, without zod's
 * per-field work: true only if zod would accept the record unchanged. Anything else (including
 * anything unusual) goes to zod, which then names the field and the reason, so rejections are
 * zod's own.
 */
export function passesRecordShape(input: unknown): input is MessageRecordInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !(TIMESTAMP_PATTERN instanceof RegExp)) return false;
  for (const key in input) if (!RECORD_KEYS.has(key)) return false;
  const r = input as Record<string, unknown>;
  const { messageId: id, origin, recipients, room, body, bodySha256, contentType } = r;
  if (typeof id !== 'string' || id.length < 1 || id.length > 256 || !MESSAGE_ID.test(id)) return false;
  if (typeof origin !== 'string' || origin.length < 1 || origin.length > 253) return false;
  if (!isUri(r.sender)) return false;
  if (recipients !== undefined) {
    if (!Array.isArray(recipients) || recipients.length > MAX_RECIPIENTS) return false;
    for (let i = 0; i < recipients.length; i++) if (!isUri(recipients[i])) return false;
  }
  if (room !== undefined && !isUri(room)) return false;
  if (typeof r.timestamp !== 'string') return false;
  TIMESTAMP_PATTERN.lastIndex = 0;
  if (!TIMESTAMP_PATTERN.test(r.timestamp)) return false;
  if (r.direction !== 'inbound' && r.direction !== 'outbound') return false;
  if (typeof contentType !== 'string' || contentType.length > 255 || !MEDIA_TYPE.test(contentType)) return false;
  if (body !== undefined && typeof body !== 'string') return false;
  if (bodySha256 !== undefined && (typeof bodySha256 !== 'string' || !SHA256_HEX.test(bodySha256))) return false;
  // the refinements
  if ((body === undefined) === (bodySha256 === undefined)) return false;
  // at most 3 UTF-8 bytes per UTF-16 code unit: only a long body needs counting
  if (body !== undefined && body.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) return false;
  if ((recipients === undefined || recipients.length === 0) && room === undefined) return false;
  return true;
}

/** Shape checks of one record; never throws. */
export function parseRecord(input: unknown, index: number): RecordParse {
  if (input instanceof MalformedLine)
    return { ok: false, rejected: { index, messageId: null, reason: 'invalid', detail: input.detail } };
  let r: MessageRecordInput;
  if (passesRecordShape(input)) {
    r = input;
  } else {
    const result = messageRecordSchema.safeParse(input);
    if (!result.success) return { ok: false, rejected: shapeRejection(input, index, result.error.issues[0]) };
    r = result.data;
  }
  let i = -1;
  try {
    const sender = parseParticipantUri(r.sender);
    const inputs = r.recipients ?? [];
    const recipients: ParticipantUri[] = [];
    for (i = 0; i < inputs.length; i++) recipients.push(parseParticipantUri(inputs[i]));
    const room = r.room === undefined ? null : parseParticipantUri(r.room);
    const ts = new Date(r.timestamp);
    return {
      ok: true,
      record: {
        index,
        messageId: r.messageId,
        origin: withoutFinalDot(r.origin.toLowerCase()),
        sender,
        recipients,
        room,
        ts,
        tsText: ISO_UTC_MS.test(r.timestamp) ? r.timestamp : ts.toISOString(),
        direction: r.direction,
        contentType: r.contentType,
        body: r.body ?? null,
        bodySha256: r.body !== undefined ? hash('sha256', r.body, 'hex') : (r.bodySha256 as string).toLowerCase(),
      },
    };
  } catch (error) {
    if (!(error instanceof ParticipantUriError)) throw error;
    // i: -1 while parsing the sender, the recipient's index, then past the last one for the room
    const field = i < 0 ? 'sender' : i < (r.recipients ?? []).length ? `recipients[${i}]` : 'room';
    return { ok: false, rejected: { index, messageId: r.messageId, reason: 'invalid', field, detail: error.message } };
  }
}

const withoutFinalDot = (domain: string): string => (domain.endsWith('.') ? domain.slice(0, -1) : domain);

function shapeRejection(input: unknown, index: number, issue: z.core.$ZodIssue): RejectedRecord {
  const id = (input as { messageId?: unknown } | null)?.messageId;
  const field = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  return {
    index,
    messageId: typeof id === 'string' ? id.slice(0, 256) : null,
    reason: 'invalid',
    field: field || undefined,
    detail: issue.message,
  };
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
