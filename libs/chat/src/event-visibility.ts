import type { DecisionDirectory } from '@app/interconnect';

/** What decides whether a network may be shown a room event. */
export interface ShownEvent {
  /** who caused it; null for the hub itself */
  actor: string | null;
  /** the network that caused it */
  network: string;
  /** the network of the user the event is about, if any */
  userNetwork: string | null;
}

/**
 * May `viewer` be shown this event now (fail closed, checked again whenever an event is read)? It
 * was caused by the hub, by the viewer's own network, or by a network the viewer may still
 * interconnect with for n-way chat; and the user it is about belongs to a network the viewer may
 * see (the one visibility rule: an invitation of a hidden network's user is not shown).
 */
export function eventShownTo(viewer: string, e: ShownEvent, directory: DecisionDirectory, at: Date): boolean {
  const cause = e.actor === null || e.network === viewer || directory.decide(e.network, viewer, 'n-way-chat', at).allowed;
  return cause && (e.userNetwork === null || directory.visible(viewer, e.userNetwork));
}
