import type { Decision, DecisionDirectory, Service } from '@app/interconnect';
import type { ParsedRecord, RejectedRecord } from './message-record.js';

export interface AuthorizationContext {
  /** the origin the batch is logged for: the calling member, or the hub for relayed messages */
  origin: string;
  hubDomain: string;
  directory: DecisionDirectory;
  window: { notBefore: Date; notAfter: Date };
  now: Date;
  /** decisions already taken for this batch, by "sender|target|service": a batch repeats few pairs */
  decided?: Map<string, Decision>;
}

export type RecordVerdict = { ok: true; tags: string[] } | { ok: false; rejected: RejectedRecord };

/** Tag prefixes of message_log.tags: one GIN index answers "by member", "by participant" and "by room". */
export const memberTag = (domain: string) => `n:${domain}`;
export const participantTag = (uri: string) => `u:${uri}`;
export const roomTag = (room: string) => `r:${room}`;

/**
 * May this record be logged for `origin`? Its origin is the caller; its timestamp is recent; every
 * participant (and the room) belongs to a member network (or the hub, for hub-hosted rooms); the
 * origin took part (sent an outbound message, or received an inbound one); and the sender's network
 * may interconnect with each recipient's network for the service (the one decision function).
 */
export function authorizeRecord(r: ParsedRecord, ctx: AuthorizationContext): RecordVerdict {
  const reject = (reason: RejectedRecord['reason'], detail: string, field?: string): RecordVerdict => ({
    ok: false,
    rejected: { index: r.index, messageId: r.messageId, reason, field, detail },
  });
  if (r.origin !== ctx.origin) return reject('origin-not-caller', `origin must be ${ctx.origin}`, 'origin');
  if (r.ts < ctx.window.notBefore || r.ts > ctx.window.notAfter) {
    return reject(
      'timestamp-out-of-window',
      `timestamp must be between ${ctx.window.notBefore.toISOString()} and ${ctx.window.notAfter.toISOString()}`,
      'timestamp',
    );
  }
  const networkOf = (host: string) => (host === ctx.hubDomain ? ctx.hubDomain : ctx.directory.ownerOf(host));
  const senderNet = networkOf(r.sender.host);
  if (!senderNet) return reject('participant-not-member', `${r.sender.host} is not a member network`, 'sender');
  const targetNets: string[] = [];
  for (const [i, u] of r.recipients.entries()) {
    const net = networkOf(u.host);
    if (!net) return reject('participant-not-member', `${u.host} is not a member network`, `recipients[${i}]`);
    targetNets.push(net);
  }
  if (r.room) {
    const net = networkOf(r.room.host);
    if (!net) return reject('participant-not-member', `${r.room.host} is neither a member network nor the hub`, 'room');
    targetNets.push(net);
  }
  if (ctx.origin !== ctx.hubDomain) {
    const party = r.direction === 'outbound' ? senderNet === ctx.origin : targetNets.includes(ctx.origin);
    if (!party) {
      return reject(
        'origin-not-party',
        r.direction === 'outbound'
          ? `an outbound message is sent from ${ctx.origin}, not from ${senderNet}`
          : `an inbound message is received by ${ctx.origin}: no recipient or room belongs to it`,
        r.direction === 'outbound' ? 'sender' : 'recipients',
      );
    }
  }
  const service: Service = r.room ? 'n-way-chat' : 'im';
  for (const target of new Set(targetNets)) {
    if (target === senderNet || target === ctx.hubDomain || senderNet === ctx.hubDomain) continue;
    const key = `${senderNet}|${target}|${service}`;
    let decision = ctx.decided?.get(key);
    if (!decision) {
      decision = ctx.directory.decide(senderNet, target, service, ctx.now);
      ctx.decided?.set(key, decision);
    }
    if (!decision.allowed) {
      return reject('not-allowed', `${senderNet} may not interconnect with ${target} for ${service}: ${decision.reason}`);
    }
  }
  const tags = new Set<string>([memberTag(ctx.origin), memberTag(senderNet), ...targetNets.map(memberTag)]);
  tags.add(participantTag(r.sender.uri));
  for (const u of r.recipients) tags.add(participantTag(u.uri));
  if (r.room) tags.add(roomTag(r.room.uri));
  return { ok: true, tags: [...tags] };
}
