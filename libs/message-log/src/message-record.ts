import { hash } from 'node:crypto';
import { z } from 'zod';
import { exceedsJsonDepth, hasNul, type InvalidParam, MAX_JSON_DEPTH, NUL_REASON } from '@app/common';
import { parseParticipantUri, ParticipantUriError, type ParticipantUri } from './participant-uri.js';

/** Most records a batch may carry (a batch holds 1–1,000). */
export const MAX_BATCH_RECORDS = 1000;
/** Largest body a record may carry inline; larger messages are logged by digest. */
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_RECIPIENTS = 100;

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

// PostgreSQL text cannot hold U+0000: a record carrying it is rejected by name, not failed in COPY
const text = () => z.string().refine((s) => !hasNul(s), NUL_REASON);
const uri = text().min(1).max(512);
// printable, no separators that would break JSON Lines or the array encoding of the repository
const MESSAGE_ID = /^[\x21-\x7e]+$/;
const messageId = z.string().min(1).max(256).regex(MESSAGE_ID, 'must be 1–256 visible ASCII characters');
const timestamp = z.iso.datetime({ offset: true });
// parameters on one line and without surrogates: a lone one would make the record's canonical
// chain entry impossible (RFC 8785 refuses it), which failed the whole batch
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;[^\0\r\n\u2028\u2029\ud800-\udfff]*)?$/i;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** A JSON Lines line that is not JSON: rejected as that record, not as the whole batch. */
export class MalformedLine {
  constructor(readonly detail: string) {}
}

/** One record as a member submits it (JSON or one JSON Lines line). */
export const messageRecordSchema = z
  .object({
    messageId,
    origin: text().min(1).max(253),
    sender: uri,
    recipients: z.array(uri).max(MAX_RECIPIENTS).default([]),
    room: uri.optional(),
    timestamp,
    direction: z.enum(DIRECTIONS),
    contentType: z.string().max(255).regex(MEDIA_TYPE, 'must be a media type such as text/plain'),
    body: text().optional(),
    bodySha256: z.string().regex(SHA256_HEX, 'must be 64 hexadecimal characters').optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    for (const p of crossFieldIssues(r)) ctx.addIssue({ code: 'custom', path: [p.name], message: p.reason });
  });

/** The checks between fields; also run on a record that failed the shape, so a rejection lists them too. */
function crossFieldIssues(r: { body?: unknown; bodySha256?: unknown; recipients?: unknown; room?: unknown }): InvalidParam[] {
  const issues: InvalidParam[] = [];
  if ((r.body === undefined) === (r.bodySha256 === undefined)) {
    issues.push({ name: 'body', reason: 'give exactly one of body and bodySha256' });
  }
  if (typeof r.body === 'string' && Buffer.byteLength(r.body, 'utf8') > MAX_BODY_BYTES) {
    issues.push({ name: 'body', reason: `is over ${MAX_BODY_BYTES} bytes: log it by bodySha256` });
  }
  if ((r.recipients === undefined || (Array.isArray(r.recipients) && r.recipients.length === 0)) && r.room === undefined) {
    issues.push({ name: 'recipients', reason: 'give at least one recipient or a room' });
  }
  return issues;
}

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
  /** the (first) offending field, as a path into the record (`recipients[2]`) */
  field?: string;
  detail: string;
  /** every offending field of an invalid record with its reason, `field` and `detail` first */
  invalidParams?: InvalidParam[];
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
  if (typeof origin !== 'string' || origin.length < 1 || origin.length > 253 || hasNul(origin)) return false;
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
  if (body !== undefined && (typeof body !== 'string' || hasNul(body))) return false;
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
    if (!result.success) return { ok: false, rejected: shapeRejection(input, index, result.error.issues) };
    r = result.data;
  }
  const uriIssues: InvalidParam[] = [];
  const participant = (value: string, name: string): ParticipantUri => {
    try {
      return parseParticipantUri(value);
    } catch (error) {
      if (!(error instanceof ParticipantUriError)) throw error;
      uriIssues.push({ name, reason: error.message });
      return { uri: '', host: '' };
    }
  };
  const sender = participant(r.sender, 'sender');
  const inputs = r.recipients ?? [];
  const recipients: ParticipantUri[] = [];
  for (let i = 0; i < inputs.length; i++) recipients.push(participant(inputs[i], `recipients[${i}]`));
  const room = r.room === undefined ? null : participant(r.room, 'room');
  if (uriIssues.length > 0) {
    const [first] = uriIssues;
    return {
      ok: false,
      rejected: {
        index,
        messageId: r.messageId,
        reason: 'invalid',
        field: first.name,
        detail: first.reason,
        invalidParams: uriIssues,
      },
    };
  }
  {
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
  }
}

const withoutFinalDot = (domain: string): string => (domain.endsWith('.') ? domain.slice(0, -1) : domain);

function shapeRejection(input: unknown, index: number, issues: z.core.$ZodIssue[]): RejectedRecord {
  const id = (input as { messageId?: unknown } | null)?.messageId;
  const params = issues.flatMap((issue) => plainIssue(issue, input));
  // zod skips the checks between fields when a field failed; a rejection still names them all
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    for (const extra of crossFieldIssues(input)) {
      if (!params.some((p) => p.name === extra.name && p.reason === extra.reason)) params.push(extra);
    }
  }
  const [first] = params;
  return {
    index,
    messageId: typeof id === 'string' && !hasNul(id) ? id.slice(0, 256) : null,
    reason: 'invalid',
    field: first?.name || undefined,
    detail: first?.reason ?? 'is not a valid record',
    ...(params.some((p) => p.name !== '') ? { invalidParams: params.filter((p) => p.name !== '') } : {}),
  };
}

const pathOf = (path: readonly PropertyKey[]): string =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'a JSON object',
  number: 'a number',
};

/** zod's issue in plain words, one entry per offending field (an unknown key names itself). */
function plainIssue(issue: z.core.$ZodIssue, input: unknown): InvalidParam[] {
  const name = pathOf(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ name: pathOf([...issue.path, key]), reason: 'is not a field of a record' }));
    case 'invalid_type':
      if (name === '') return [{ name, reason: 'a record must be a JSON object' }];
      return [
        {
          name,
          reason:
            valueAt(input, issue.path) === undefined ? 'is required' : `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`,
        },
      ];
    case 'too_big':
      return [
        {
          name,
          reason:
            issue.origin === 'array'
              ? `must have at most ${issue.maximum} entries`
              : `must be at most ${issue.maximum} characters`,
        },
      ];
    case 'too_small':
      return [{ name, reason: issue.origin === 'array' ? `must have at least ${issue.minimum} entries` : 'must not be empty' }];
    case 'invalid_format':
      return [
        {
          name,
          reason:
            issue.format === 'datetime' ? 'must be a date and time with a zone, such as 2026-12-01T10:00:00Z' : issue.message,
        },
      ];
    case 'invalid_value':
      return [{ name, reason: `must be one of: ${issue.values.map(String).join(', ')}` }];
    case 'custom':
    case 'invalid_element':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
      return [{ name, reason: issue.message }];
  }
}

/** JSON Lines (one record per line, blank lines ignored); a line that is not JSON becomes a MalformedLine. */
export function parseJsonLines(text: string): unknown[] {
  const records: unknown[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (exceedsJsonDepth(line)) {
      records.push(new MalformedLine(`line ${i + 1} nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`));
      continue;
    }
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      records.push(new MalformedLine(`line ${i + 1} is not JSON: ${(error as Error).message}`));
    }
  }
  return records;
}
