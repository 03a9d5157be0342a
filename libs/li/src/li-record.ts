import { createHash } from 'node:crypto';
import type { LiMatch } from './li-matching.js';

/** Where the hub saw the communication: a logged message (message-log ingest) or an event of a hub-hosted room. */
export type LiRecordSource = 'message-log' | 'chat';

/**
 * Intercept-related information: who, whom, when, where, and which communication. Nothing of
 * the content. `correlationId` is the same in every record about one communication (the IRI and
 * CC of every task that matched it), so an agency joins them.
 */
export interface LiIriRecord {
  type: 'iri';
  xid: string;
  correlationId: string;
  source: LiRecordSource;
  /** 'message', or the room event's kind (created, invited, joined, left, kicked, banned, unbanned, role, subject, removed) */
  event: string;
  /** the message id in the central log (hub-hosted rooms: `chat-<room id>-<seq>`); null for a membership event */
  messageId: string | null;
  /** the origin network of a logged message; the network that caused a room event */
  network: string;
  /** the sender or actor; null when the hub itself acted (a removal after a policy change) */
  from: string | null;
  /** the recipients; for a room event, its recipients and the user it is about */
  to: string[];
  room: string | null;
  /** when it happened (the message's timestamp, the event's commit time) */
  at: string;
  direction: 'inbound' | 'outbound' | null;
}

/** Content of communication: the body, or its SHA-256 alone when only the digest was logged. */
export interface LiCcRecord {
  type: 'cc';
  xid: string;
  correlationId: string;
  messageId: string;
  contentType: string;
  /** null when the member logged only the digest */
  body: string | null;
  /** SHA-256 of the body, hex */
  bodySha256: string;
}

export type LiRecord = LiIriRecord | LiCcRecord;

/** What the matcher knows of one communication, whatever its source. */
export interface LiObservedCommunication {
  source: LiRecordSource;
  /** stable per communication: origin + message id, or room + seq */
  key: string;
  event: string;
  messageId: string | null;
  network: string;
  from: string | null;
  to: string[];
  room: string | null;
  at: Date;
  direction: 'inbound' | 'outbound' | null;
  /** present for a message: its content as logged */
  content: { contentType: string; body: string | null; bodySha256: string } | null;
}

/** A deterministic UUID-shaped id per communication: every retry and every task gives the same one. */
export function correlationIdOf(source: LiRecordSource, key: string): string {
  const h = createHash('sha256').update(`${source}\n${key}`).digest('hex');
  // version 8 (custom) and RFC 9562 variant bits, so it parses as a UUID
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The SHA-256 (hex) of a body as the message log computes it. */
export function bodySha256Of(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** The records one match produces: always the IRI; the CC too when the task asks for content and there is content. */
export function recordsFor(match: Pick<LiMatch, 'xid' | 'deliveryType'>, c: LiObservedCommunication): LiRecord[] {
  const correlationId = correlationIdOf(c.source, c.key);
  const iri: LiIriRecord = {
    type: 'iri',
    xid: match.xid,
    correlationId,
    source: c.source,
    event: c.event,
    messageId: c.messageId,
    network: c.network,
    from: c.from,
    to: c.to,
    room: c.room,
    at: c.at.toISOString(),
    direction: c.direction,
  };
  if (match.deliveryType !== 'iri-and-cc' || c.content === null || c.messageId === null) return [iri];
  const cc: LiCcRecord = {
    type: 'cc',
    xid: match.xid,
    correlationId,
    messageId: c.messageId,
    contentType: c.content.contentType,
    body: c.content.body,
    bodySha256: c.content.bodySha256,
  };
  return [iri, cc];
}

/** A record as an agency receives it: its number in the (task, destination) stream first. */
export type LiDeliveredRecord = LiRecord & { sequence: number };

/** The body of one POST carrying records to a destination, in stream order (docs/lawful-interception.md, "Records"). */
export interface LiRecordsBody {
  type: 'records';
  hub: string;
  destinationId: string;
  records: LiDeliveredRecord[];
}

/** The body of a keepalive POST: the hub is there, and this destination's stream is live. */
export interface LiKeepaliveBody {
  type: 'keepalive';
  hub: string;
  destinationId: string;
  at: string;
}
