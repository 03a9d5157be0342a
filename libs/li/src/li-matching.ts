import type { LiTarget } from './li-target.js';

export type LiDeliveryKind = 'iri' | 'iri-and-cc';

/** One communication as the matcher sees it: when it happened and every user URI it involves (normal form). */
export interface LiCommunication {
  at: Date;
  /** the sender or actor, the recipients, the user an event is about */
  participants: readonly string[];
}

/** A task found by the blind-index query for one of the lookups of a batch, with what decides whether it applies. */
export interface LiCandidateTask {
  /** the blind-index lookup (hex) the task was found under */
  lookup: string;
  xid: string;
  deliveryType: LiDeliveryKind;
  destinationIds: readonly string[];
  validFrom: Date;
  validUntil: Date | null;
}

/** A task a communication matched: one per task, however many of its targets took part. */
export interface LiMatch {
  xid: string;
  deliveryType: LiDeliveryKind;
  destinationIds: readonly string[];
}

/**
 * The targets a communication could be intercepted under: each participant as a user, and each
 * participant's domain (a domain-wide task covers every user of it). `hostOf` gives a normalised
 * URI's host, or null for a value that is not a participant URI (which then matches nothing).
 */
export function targetsOf(participants: readonly string[], hostOf: (uri: string) => string | null): LiTarget[] {
  const users = new Set<string>();
  const domains = new Set<string>();
  for (const uri of participants) {
    users.add(uri);
    const host = hostOf(uri);
    if (host !== null) domains.add(host);
  }
  return [
    ...[...users].map((uri): LiTarget => ({ kind: 'user', uri })),
    ...[...domains].map((domain): LiTarget => ({ kind: 'domain', domain })),
  ];
}

/** Whether the task's validity window covers the instant: from valid_from (inclusive) to valid_until (exclusive). */
export function coversInstant(task: Pick<LiCandidateTask, 'validFrom' | 'validUntil'>, at: Date): boolean {
  const t = at.getTime();
  return task.validFrom.getTime() <= t && (task.validUntil === null || t < task.validUntil.getTime());
}

/**
 * The tasks one communication matches: those found under one of its own lookups whose window
 * covers its time, each once, in the order the candidates came.
 */
export function matchesOf(lookups: ReadonlySet<string>, at: Date, candidates: readonly LiCandidateTask[]): LiMatch[] {
  const matched = new Map<string, LiMatch>();
  for (const c of candidates) {
    if (matched.has(c.xid) || !lookups.has(c.lookup) || !coversInstant(c, at)) continue;
    matched.set(c.xid, { xid: c.xid, deliveryType: c.deliveryType, destinationIds: c.destinationIds });
  }
  return [...matched.values()];
}

/** The earliest and latest instant of a set of communications (the window the one query asks for); null when empty. */
export function spanOf(communications: readonly Pick<LiCommunication, 'at'>[]): { from: Date; to: Date } | null {
  if (communications.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const c of communications) {
    from = Math.min(from, c.at.getTime());
    to = Math.max(to, c.at.getTime());
  }
  return { from: new Date(from), to: new Date(to) };
}
