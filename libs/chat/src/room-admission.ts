/**
 * Who may be in a hub-hosted room, read off the one decision function: a user of network X may be
 * in a room only while X may interconnect for `n-way-chat` with every other network present in it.
 * Nothing here knows why two networks may or may not talk; `mayTalk` is the decision.
 */

/** A network with at least one participant in the room, and when its first present one joined. */
export interface PresentNetwork {
  domain: string;
  firstJoinedAt: Date;
}

/** May networks `a` and `b` interconnect for n-way chat now? (the decision function) */
export type MayTalk = (a: string, b: string) => boolean;

/** May a user of `network` join (or be invited into) a room where `present` networks are? */
export function mayEnter(network: string, present: readonly string[], mayTalk: MayTalk): boolean {
  return present.every((other) => other === network || mayTalk(network, other));
}

/**
 * The networks that must leave after a change: inactive ones, then, going through the others in
 * the order their first participant joined, each one that may no longer talk with a network that
 * stays. So where two present networks may no longer talk, the one that came later leaves, and a
 * network is never removed because of one that is itself removed.
 */
export function networksToRemove(
  present: readonly PresentNetwork[],
  mayTalk: MayTalk,
  isActive: (domain: string) => boolean,
): string[] {
  const ordered = [...present].sort(
    (x, y) => x.firstJoinedAt.getTime() - y.firstJoinedAt.getTime() || (x.domain < y.domain ? -1 : x.domain > y.domain ? 1 : 0),
  );
  const staying: string[] = [];
  const removed: string[] = [];
  for (const { domain } of ordered) {
    if (isActive(domain) && mayEnter(domain, staying, mayTalk)) staying.push(domain);
    else removed.push(domain);
  }
  return removed;
}
