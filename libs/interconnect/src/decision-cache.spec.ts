import { type Decision, type DecisionInput, decide } from './decision.js';
import { DecisionCache } from './decision-cache.js';

const A = 'a.example.com';
const B = 'b.example.org';
const EXPIRY = new Date('2030-06-01T12:00:00Z');
const before = (ms: number) => new Date(EXPIRY.getTime() - ms);
const after = (ms: number) => new Date(EXPIRY.getTime() + ms);

/** Agreement mode with one accepted IM agreement between A and B that expires at EXPIRY. */
function take(at: Date, requestor = A, target = B): Decision {
  const input: DecisionInput = {
    requestor: { domain: requestor, status: 'active' },
    target: { domain: target, status: 'active' },
    service: 'im',
    at,
    mode: 'agreement',
    agreements: [{ id: 'g1', offerer: A, offeree: B, services: ['im'], state: 'accepted', expiresAt: EXPIRY }],
    memberBlocks: [],
    operatorBlocks: [],
    requestorPrivacy: { visibleToAll: true, allow: new Set(), deny: new Set() },
    targetPrivacy: { visibleToAll: true, allow: new Set(), deny: new Set() },
  };
  return decide(input);
}

/** The cache's answer at `at`, and how many decisions it had to take for it. */
function ask(cache: DecisionCache, at: Date, requestor = A, target = B): { decision: Decision; taken: number } {
  let taken = 0;
  const decision = cache.decide(requestor, target, 'im', at, () => {
    taken++;
    return take(at, requestor, target);
  });
  return { decision, taken };
}

describe('DecisionCache', () => {
  it('should serve an allowed decision until its validUntil, and take it again at that instant', () => {
    const cache = new DecisionCache();
    const first = ask(cache, before(60_000));
    expect(first).toMatchObject({ taken: 1, decision: { allowed: true, validUntil: EXPIRY } });
    expect(ask(cache, before(1))).toEqual({ decision: first.decision, taken: 0 });

    const atExpiry = ask(cache, EXPIRY);
    expect(atExpiry).toMatchObject({ taken: 1, decision: { allowed: false, reason: 'agreement-expired' } });
  });

  it('should serve a refusal later on, but not for an instant before the one it was taken for', () => {
    const cache = new DecisionCache();
    const refused = ask(cache, after(0));
    expect(refused).toMatchObject({ taken: 1, decision: { allowed: false } });
    expect(ask(cache, after(3_600_000))).toEqual({ decision: refused.decision, taken: 0 });

    const earlier = ask(cache, before(1));
    expect(earlier).toMatchObject({ taken: 1, decision: { allowed: true } });
  });

  it('should keep pairs and services apart', () => {
    const cache = new DecisionCache();
    const at = before(60_000);
    ask(cache, at);
    expect(ask(cache, at, B, A).taken).toBe(1);
    let taken = 0;
    cache.decide(A, B, 'presence', at, () => (taken++, take(at)));
    expect(taken).toBe(1);
    expect(cache.size).toBe(3);
  });

  it('should start over past its limit instead of growing', () => {
    const cache = new DecisionCache(2);
    const at = before(60_000);
    ask(cache, at, A, 'x1.example');
    ask(cache, at, A, 'x2.example');
    expect(cache.size).toBe(2);
    ask(cache, at, A, 'x3.example');
    expect(cache.size).toBe(1);
    expect(ask(cache, at, A, 'x3.example').taken).toBe(0);
    expect(ask(cache, at, A, 'x1.example').taken).toBe(1);
  });
});
