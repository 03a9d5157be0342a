/**
 * Who receives a room event, per member network: the network's users joined in the room once the
 * event took effect, and the user the event is about (an invitee, or one who was kicked, banned or
 * removed: its last event), never the user who caused it. A network with no such user gets nothing.
 */
export interface RecipientCandidate {
  userUri: string;
  network: string;
  state: string;
}

export function recipientsByNetwork(
  event: { actor: string | null; userUri: string | null },
  participants: readonly RecipientCandidate[],
): Map<string, string[]> {
  const byNetwork = new Map<string, string[]>();
  for (const p of participants) {
    const concerned = p.state === 'joined' || p.userUri === event.userUri;
    if (!concerned || p.userUri === event.actor) continue;
    const list = byNetwork.get(p.network);
    if (list) list.push(p.userUri);
    else byNetwork.set(p.network, [p.userUri]);
  }
  return byNetwork;
}
