import type { DecisionDirectory, Service } from '@app/interconnect';
import type { ParsedRecord, RejectedRecord } from './message-record.js';
import type { ParticipantUri } from './participant-uri.js';

export interface AuthorizationContext {
  /** the origin the batch is logged for: the calling member, or the hub for relayed messages */
  origin: string;
  hubDomain: string;
  directory: DecisionDirectory;
  window: { notBefore: Date; notAfter: Date };
  /** the instant decisions are taken for (the directory keeps them across batches) */
  now: Date;
}

export type RecordVerdict = { ok: true; tags: string[] } | { ok: false; rejected: RejectedRecord };

/** Tag prefixes of message_log.tags: one GIN index answers "by member", "by participant" and "by room". */
export const MEMBER_TAG_PREFIX = 'n:';
export const memberTag = (domain: string) => `${MEMBER_TAG_PREFIX}${domain}`;
export const participantTag = (uri: string) => `u:${uri}`;
export const roomTag = (room: string) => `r:${room}`;

/**
 * May this record be logged for `origin`? Its origin is the caller; its timestamp is recent; every
 * participant (and the room) belongs to a member network (or the hub, for hub-hosted rooms); the
 * origin took part (sent an outbound message, or received an inbound one); and the sender's network
 * may interconnect with each recipient's network for the service (the one decision function).
 */
export function authorizeRecord(r: ParsedRecord, ctx: AuthorizationContext): RecordVerdict {
  const { origin, hubDomain } = ctx;
  if (r.origin !== origin) return reject(r, 'origin-not-caller', `origin must be ${origin}`, 'origin');
  if (r.ts < ctx.window.notBefore || r.ts > ctx.window.notAfter) {
    return reject(
      r,
      'timestamp-out-of-window',
      `timestamp must be between ${ctx.window.notBefore.toISOString()} and ${ctx.window.notAfter.toISOString()}`,
      'timestamp',
    );
  }
  const senderNet = networkOf(r.sender.host, ctx);
  if (!senderNet) return reject(r, 'participant-not-member', `${r.sender.host} is not a member network`, 'sender');
  const { recipients, room } = r;
  const targetNets: string[] = [];
  for (let i = 0; i < recipients.length; i++) {
    const { host } = recipients[i];
    const net = networkOf(host, ctx);
    if (!net) return reject(r, 'participant-not-member', `${host} is not a member network`, `recipients[${i}]`);
    targetNets.push(net);
  }
  if (room) {
    const net = networkOf(room.host, ctx);
    if (!net) return reject(r, 'participant-not-member', `${room.host} is neither a member network nor the hub`, 'room');
    targetNets.push(net);
  }
  if (origin !== hubDomain) {
    const party = r.direction === 'outbound' ? senderNet === origin : targetNets.includes(origin);
    if (!party) {
      return reject(
        r,
        'origin-not-party',
        r.direction === 'outbound'
          ? `an outbound message is sent from ${origin}, not from ${senderNet}`
          : `an inbound message is received by ${origin}: no recipient or room belongs to it`,
        r.direction === 'outbound' ? 'sender' : 'recipients',
      );
    }
  }
  const service: Service = room ? 'n-way-chat' : 'im';
  for (let i = 0; i < targetNets.length; i++) {
    const target = targetNets[i];
    // each distinct target once, in order of first appearance
    if (targetNets.indexOf(target) !== i) continue;
    if (target === senderNet || target === hubDomain || senderNet === hubDomain) continue;
    const decision = ctx.directory.decide(senderNet, target, service, ctx.now);
    if (!decision.allowed) {
      // why two other members may not interconnect (one blocked the other…) is theirs to know
      const why = origin === senderNet || origin === target || origin === hubDomain ? `: ${decision.reason}` : '';
      return reject(r, 'not-allowed', `${senderNet} may not interconnect with ${target} for ${service}${why}`);
    }
  }
  // distinct tags in this order: the origin's, the sender's and the targets' networks, the
  // sender, the recipients, the room (a tag differs from another exactly when its value does)
  const tags = [memberTag(origin)];
  if (senderNet !== origin) tags.push(memberTag(senderNet));
  for (let i = 0; i < targetNets.length; i++) {
    const net = targetNets[i];
    if (net !== origin && net !== senderNet && targetNets.indexOf(net) === i) tags.push(memberTag(net));
  }
  const senderUri = r.sender.uri;
  tags.push(participantTag(senderUri));
  for (let i = 0; i < recipients.length; i++) {
    const { uri } = recipients[i];
    if (uri !== senderUri && !takenBefore(recipients, i, uri)) tags.push(participantTag(uri));
  }
  if (room) tags.push(roomTag(room.uri));
  return { ok: true, tags };
}

/**
 * The network a participant belongs to, as the origin may know it: a member hidden from the origin
 * (the one visibility rule) is passed over exactly like a domain that is not a member, so both get
 * the same `participant-not-member` rejection. The hub itself sees every member.
 */
function networkOf(host: string, ctx: AuthorizationContext): string | null {
  if (host === ctx.hubDomain) return ctx.hubDomain;
  return ctx.origin === ctx.hubDomain ? ctx.directory.ownerOf(host) : ctx.directory.ownerOf(host, ctx.origin, ctx.now);
}

function takenBefore(participants: readonly ParticipantUri[], end: number, uri: string): boolean {
  for (let j = 0; j < end; j++) if (participants[j].uri === uri) return true;
  return false;
}

function reject(r: ParsedRecord, reason: RejectedRecord['reason'], detail: string, field?: string): RecordVerdict {
  return { ok: false, rejected: { index: r.index, messageId: r.messageId, reason, field, detail } };
}
