import type { ChatRole } from '@app/common';

/**
 * What a participant's role lets it do to another (XEP-0045's roles and affiliations, reduced to
 * three): owners and moderators set the subject, kick, ban and change roles, always of someone
 * ranked below them; only owners make owners or moderators of others.
 */
const RANK: Record<ChatRole, number> = { participant: 0, moderator: 1, owner: 2 };

export type RoomAction = 'set-subject' | 'kick' | 'ban' | 'unban' | 'set-role';

export function mayModerate(actor: ChatRole): boolean {
  return RANK[actor] >= RANK.moderator;
}

/** May `actor` kick or ban a participant whose role is `target`? */
export function mayRemove(actor: ChatRole, target: ChatRole): boolean {
  return mayModerate(actor) && RANK[actor] > RANK[target];
}

/**
 * May `actor` change the role of a participant from `from` to `to`? Owners may change anyone's,
 * including another owner's; moderators only between participant and moderator, of participants.
 */
export function mayChangeRole(actor: ChatRole, from: ChatRole, to: ChatRole): boolean {
  if (actor === 'owner') return true;
  return actor === 'moderator' && from === 'participant' && to !== 'owner';
}
