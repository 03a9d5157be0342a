import type { Decision, Service } from './decision.js';

interface Cached {
  decision: Decision;
  /** the instant it was taken for (ms) */
  at: number;
}

/** Past this many entries the cache starts over (decisions are cheap to take again; memory is bounded). */
export const DECISION_CACHE_LIMIT = 50_000;

/**
 * Decisions already taken over one policy snapshot, so that message-log batches do not take the
 * same decision again for every batch: a batch of 1,000 records repeats a few pairs, and each
 * decision builds its rules' details. The snapshot's owner drops the cache with the snapshot on
 * every member or policy change; what is left to handle is time.
 *
 * - An allowed decision holds until its `validUntil` (exclusive), the latest expiry of the
 *   agreements granting it.
 * - A refusal holds from the instant it was taken on: the passage of time alone never turns a
 *   refusal into a permission (Decision.validUntil).
 * - Neither is served for an instant before the one it was taken for, where an agreement since
 *   expired may still have granted it.
 */
export class DecisionCache {
  private readonly byService = new Map<Service, Map<string, Map<string, Cached>>>();
  private entries = 0;

  constructor(private readonly limit = DECISION_CACHE_LIMIT) {}

  decide(requestor: string, target: string, service: Service, at: Date, take: () => Decision): Decision {
    const t = at.getTime();
    const hit = this.targets(service, requestor).get(target);
    if (hit && holds(hit, t)) return hit.decision;
    const decision = take();
    if (!hit) {
      if (this.entries >= this.limit) {
        this.byService.clear();
        this.entries = 0;
      }
      this.entries++;
    }
    // looked up again: starting over dropped the maps of the first lookup
    this.targets(service, requestor).set(target, { decision, at: t });
    return decision;
  }

  private targets(service: Service, requestor: string): Map<string, Cached> {
    let byRequestor = this.byService.get(service);
    if (!byRequestor) this.byService.set(service, (byRequestor = new Map()));
    let byTarget = byRequestor.get(requestor);
    if (!byTarget) byRequestor.set(requestor, (byTarget = new Map()));
    return byTarget;
  }

  get size(): number {
    return this.entries;
  }
}

function holds({ decision, at }: Cached, t: number): boolean {
  if (t < at) return false;
  return !decision.allowed || decision.validUntil === null || t < decision.validUntil.getTime();
}
