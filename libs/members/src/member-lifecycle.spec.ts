import { ConflictError, type MemberStatus } from '@app/common';
import { LifecycleAction, nextStatus } from './member-lifecycle.js';

const ALLOWED: Array<[MemberStatus, LifecycleAction, MemberStatus]> = [
  ['pending', 'approve', 'active'],
  ['active', 'suspend', 'suspended'],
  ['suspended', 'reinstate', 'active'],
  ['pending', 'withdraw', 'withdrawn'],
  ['active', 'withdraw', 'withdrawn'],
  ['suspended', 'withdraw', 'withdrawn'],
];
const STATUSES: MemberStatus[] = ['pending', 'active', 'suspended', 'withdrawn'];
const ACTIONS: LifecycleAction[] = ['approve', 'suspend', 'reinstate', 'withdraw'];

describe('nextStatus', () => {
  it.each(ALLOWED)('should move %s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  const refused = STATUSES.flatMap((s) => ACTIONS.map((a) => [s, a] as const)).filter(
    ([s, a]) => !ALLOWED.some(([from, action]) => from === s && action === a),
  );

  it.each(refused)('should refuse to %2$s a %1$s member with a conflict', (from, action) => {
    expect(() => nextStatus(from, action)).toThrow(ConflictError);
  });

  it('should treat withdrawn as terminal', () => {
    for (const action of ACTIONS) expect(() => nextStatus('withdrawn', action)).toThrow(/withdrawn/);
  });
});
