import { ConflictError, type MemberStatus } from '@app/common';

export type LifecycleAction = 'approve' | 'suspend' | 'reinstate' | 'withdraw';

/** pending → active → suspended → active; any non-terminal state → withdrawn (terminal). */
const TRANSITIONS: Record<LifecycleAction, { from: readonly MemberStatus[]; to: MemberStatus }> = {
  approve: { from: ['pending'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'active' },
  withdraw: { from: ['pending', 'active', 'suspended'], to: 'withdrawn' },
};

export const LIFECYCLE_ACTIONS = Object.keys(TRANSITIONS) as LifecycleAction[];

/** The status an action leads to, or a ConflictError naming the current status. */
export function nextStatus(current: MemberStatus, action: LifecycleAction): MemberStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) {
    throw new ConflictError(`cannot ${action} a member that is ${current}`, {
      currentStatus: current,
      action,
      allowedFrom: rule.from,
    });
  }
  return rule.to;
}
