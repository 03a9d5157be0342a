/**
 * THE interconnection decision: "may A interconnect with B for service S at time T?".
 *
 * Pure: it reads a snapshot (`DecisionInput`) and nothing else, so the services that load the
 * snapshot, the in-process decision cache, the explain endpoint and the operators' dry run all
 * share one implementation. No other module re-implements any part of it.
 *
 * Rules, evaluated in this fixed order; the first that fails decides, and every rule after it is
 * recorded as `skip`, so `rules` always lists all rules in the same order:
 *
 *   1. requestor-status          the requestor is a known, active member
 *   2. target-status             the target is a known, active member
 *   3. distinct-parties          a member does not interconnect with itself
 *   4. operator-block            operators have not blocked the pair
 *   5. member-block-by-target    the target has not blocked the requestor
 *   6. member-block-by-requestor the requestor has not blocked the target
 *   7. target-privacy            the target's Peer Network Privacy lets the requestor see it
 *   8. requestor-privacy         the requestor's Peer Network Privacy lets the target see it
 *   9. federation-policy         open mode, or an accepted, unexpired agreement covering the service
 *
 * The decision is symmetric in `allowed`: decide(A, B) and decide(B, A) allow or refuse together
 * (only the reason may differ, e.g. blocked-by-target vs blocked-by-requestor). Both ends of an
 * interconnection therefore get the same answer from the hub.
 */

export const SERVICES = ['presence', 'im', 'n-way-chat', 'file-transfer'] as const;
export type Service = (typeof SERVICES)[number];

export const PARTY_STATUSES = ['pending', 'active', 'suspended', 'withdrawn'] as const;
export type PartyStatus = (typeof PARTY_STATUSES)[number];
/** A member as the decision sees it; `null` when the domain is not a member at all. */
export type PartyState = { domain: string; status: PartyStatus } | null;

export type FederationMode = 'open' | 'agreement';
export type AgreementState = 'offered' | 'accepted' | 'rejected' | 'revoked';

/**
 * A peering offer/agreement. Once accepted it covers both directions (offerer → offeree and
 * offeree → offerer) for its services until revoked or until `expiresAt` (exclusive).
 */
export interface Agreement {
  /** Only used to name the agreement in the explanation. */
  id?: string;
  offerer: string;
  offeree: string;
  services: readonly Service[];
  state: AgreementState;
  expiresAt: Date | null;
}

/** `blocker` refuses any interconnection with `blocked` (either direction). */
export interface MemberBlock {
  blocker: string;
  blocked: string;
}

/** Operators forbid the unordered pair {a, b}. */
export interface OperatorBlock {
  a: string;
  b: string;
}

/** Peer Network Privacy of a member (structurally compatible with `PeerPrivacy` of `@app/provisioning`). */
export interface PrivacySettings {
  visibleToAll: boolean;
  allow: ReadonlySet<string>;
  deny: ReadonlySet<string>;
}

export interface DecisionInput {
  requestor: PartyState;
  target: PartyState;
  service: Service;
  at: Date;
  mode: FederationMode;
  /** Agreements between the two parties in any direction; entries about other pairs are ignored. */
  agreements: readonly Agreement[];
  /** Member blocks; entries about other pairs are ignored. */
  memberBlocks: readonly MemberBlock[];
  /** Operator blocks; entries about other pairs are ignored. */
  operatorBlocks: readonly OperatorBlock[];
  targetPrivacy: PrivacySettings;
  requestorPrivacy: PrivacySettings;
}

export const DECISION_RULES = [
  'requestor-status',
  'target-status',
  'distinct-parties',
  'operator-block',
  'member-block-by-target',
  'member-block-by-requestor',
  'target-privacy',
  'requestor-privacy',
  'federation-policy',
] as const;
export type DecisionRuleName = (typeof DECISION_RULES)[number];

export const DENIAL_REASONS = [
  'requestor-unknown',
  'requestor-not-active',
  'target-unknown',
  'target-not-active',
  'same-member',
  'blocked-by-operator',
  'blocked-by-target',
  'blocked-by-requestor',
  'denied-by-privacy',
  'no-agreement',
  'agreement-expired',
  'service-not-in-agreement',
] as const;
export const ALLOW_REASONS = ['allowed-open-federation', 'allowed-by-agreement'] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];
export type AllowReason = (typeof ALLOW_REASONS)[number];
export type DecisionReason = DenialReason | AllowReason;

export interface RuleResult {
  rule: DecisionRuleName;
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
}

export interface Decision {
  allowed: boolean;
  /** Stable machine code; the failing rule (or, when allowed, the granting rule) is in `rules`. */
  reason: DecisionReason;
  rules: RuleResult[];
  /**
   * When an allowed decision lapses on its own: the latest expiry among the agreements that grant
   * it, or null when nothing expires (only a policy change ends it). Always null when refused:
   * the passage of time alone never turns a refusal into a permission. A cache must not serve an
   * allowed decision at or after this instant.
   */
  validUntil: Date | null;
}

type Verdict = { outcome: 'pass'; detail: string } | { outcome: 'fail'; reason: DenialReason; detail: string };
type Rule = (ctx: Context) => Verdict;

interface Context {
  input: DecisionInput;
  /** Lower-cased domains ('' for an unknown party: the rules using them run only once both are active members). */
  a: string;
  b: string;
  grant: { reason: AllowReason; validUntil: Date | null };
}

const pass = (detail: string): Verdict => ({ outcome: 'pass', detail });
const fail = (reason: DenialReason, detail: string): Verdict => ({ outcome: 'fail', reason, detail });
const norm = (domain: string) => domain.toLowerCase();

/** Set membership, tolerant of entries that were not lower-cased by the caller. */
function containsDomain(set: ReadonlySet<string>, domain: string): boolean {
  if (set.has(domain)) return true;
  for (const entry of set) if (norm(entry) === domain) return true;
  return false;
}

function statusRule(party: 'requestor' | 'target'): Rule {
  return ({ input }) => {
    const state = input[party];
    if (state === null) return fail(`${party}-unknown`, `the ${party} is not a member of this clearing house`);
    if (state.status !== 'active') return fail(`${party}-not-active`, `the ${party} ${state.domain} is ${state.status}`);
    return pass(`the ${party} ${state.domain} is active`);
  };
}

/**
 * May the other party see `owner` under owner's Peer Network Privacy? Deny beats allow (and beats
 * visible-to-all); a member that is not visible to all is visible only to its allow list.
 *
 * Why the privacy of BOTH sides applies: interconnection is mutual. Presence subscriptions and
 * messages flow both ways once two Peer Networks are connected, and authorising A to connect to B
 * tells B that A exists and wants to talk to it. If A's own settings hide A from B, authorising the
 * connection would disclose exactly what A asked the hub to withhold; if B's settings hide B from
 * A, A must not even learn that B is reachable. So A may interconnect with B only if each may see
 * the other, which also keeps the decision symmetric.
 */
function privacyRule(owner: 'target' | 'requestor'): Rule {
  return (ctx) => {
    const [self, viewer] = owner === 'target' ? [ctx.b, ctx.a] : [ctx.a, ctx.b];
    const privacy = owner === 'target' ? ctx.input.targetPrivacy : ctx.input.requestorPrivacy;
    if (containsDomain(privacy.deny, viewer))
      return fail('denied-by-privacy', `${self} denies ${viewer} in its Peer Network Privacy`);
    if (privacy.visibleToAll) return pass(`${self} is visible to all members`);
    if (containsDomain(privacy.allow, viewer)) return pass(`${self} is visible only to listed peers and allows ${viewer}`);
    return fail('denied-by-privacy', `${self} is visible only to listed peers and does not allow ${viewer}`);
  };
}

const RULES: Record<DecisionRuleName, Rule> = {
  'requestor-status': statusRule('requestor'),
  'target-status': statusRule('target'),
  'distinct-parties': ({ a, b }) =>
    a === b ? fail('same-member', `${a} cannot interconnect with itself`) : pass(`${a} and ${b} are distinct`),
  'operator-block': ({ input, a, b }) => {
    const hit = input.operatorBlocks.find((x) => {
      const [p, q] = [norm(x.a), norm(x.b)];
      return (p === a && q === b) || (p === b && q === a);
    });
    return hit ? fail('blocked-by-operator', `operators block the pair ${a} / ${b}`) : pass('no operator block between the pair');
  },
  'member-block-by-target': ({ input, a, b }) =>
    input.memberBlocks.some((x) => norm(x.blocker) === b && norm(x.blocked) === a)
      ? fail('blocked-by-target', `${b} blocks ${a}`)
      : pass(`${b} does not block ${a}`),
  'member-block-by-requestor': ({ input, a, b }) =>
    input.memberBlocks.some((x) => norm(x.blocker) === a && norm(x.blocked) === b)
      ? fail('blocked-by-requestor', `${a} blocks ${b}`)
      : pass(`${a} does not block ${b}`),
  'target-privacy': privacyRule('target'),
  // Stryker disable next-line StringLiteral: privacyRule treats every owner but 'target' as the requestor
  'requestor-privacy': privacyRule('requestor'),
  'federation-policy': federationPolicy,
};

/**
 * Open mode: every pair that got this far may interconnect; agreements are not consulted.
 * Agreement mode: an accepted agreement between the pair (either direction) that covers the
 * service and has not expired at `at` (expiry is exclusive). Offered, rejected and revoked
 * agreements never count. When refused, the most actionable reason wins:
 *   agreement-expired         an accepted agreement covers the service but every such one has expired
 *   service-not-in-agreement  accepted agreements exist but none covers the service
 *   no-agreement              no accepted agreement at all
 */
function federationPolicy(ctx: Context): Verdict {
  const { input, a, b } = ctx;
  if (input.mode === 'open') {
    ctx.grant = { reason: 'allowed-open-federation', validUntil: null };
    return pass('open federation: every pair of active members may interconnect unless blocked');
  }
  const t = input.at.getTime();
  const between = input.agreements.filter((x) => {
    const [p, q] = [norm(x.offerer), norm(x.offeree)];
    return (p === a && q === b) || (p === b && q === a);
  });
  const accepted = between.filter((x) => x.state === 'accepted');
  const covering = accepted.filter((x) => x.services.includes(input.service));
  const live = covering.filter((x) => x.expiresAt === null || x.expiresAt.getTime() > t);
  if (live.length > 0) {
    const validUntil = live.some((x) => x.expiresAt === null)
      ? null
      : new Date(Math.max(...live.map((x) => (x.expiresAt as Date).getTime())));
    ctx.grant = { reason: 'allowed-by-agreement', validUntil };
    return pass(`agreement mode: ${describeAgreement(live[0])} covers ${input.service}`);
  }
  if (covering.length > 0) {
    return fail('agreement-expired', `agreement mode: ${describeAgreement(covering[0])} covering ${input.service} has expired`);
  }
  if (accepted.length > 0) {
    return fail('service-not-in-agreement', `agreement mode: ${describeAgreement(accepted[0])} does not cover ${input.service}`);
  }
  const others = between.length > 0 ? ` (only ${[...new Set(between.map((x) => x.state))].sort().join(', ')} ones)` : '';
  return fail('no-agreement', `agreement mode: no accepted agreement between ${a} and ${b}${others}`);
}

function describeAgreement(x: Agreement): string {
  const id = x.id ? ` ${x.id}` : '';
  const expiry = x.expiresAt ? `, expires ${x.expiresAt.toISOString()}` : '';
  return `the agreement${id} (${x.offerer} → ${x.offeree}: ${x.services.join(', ')}${expiry})`;
}

export function decide(input: DecisionInput): Decision {
  const ctx: Context = {
    input,
    // Stryker disable next-line StringLiteral: never read, the status rules refuse an unknown party first
    a: input.requestor ? norm(input.requestor.domain) : '',
    // Stryker disable next-line StringLiteral: never read, the status rules refuse an unknown party first
    b: input.target ? norm(input.target.domain) : '',
    // Stryker disable next-line ObjectLiteral,StringLiteral: never read, federation-policy sets the grant of every allowed decision
    grant: { reason: 'allowed-open-federation', validUntil: null },
  };
  const rules: RuleResult[] = [];
  let denial: { rule: DecisionRuleName; reason: DenialReason } | null = null;
  for (const rule of DECISION_RULES) {
    if (denial) {
      rules.push({ rule, outcome: 'skip', detail: `not evaluated: decided by ${denial.rule}` });
      continue;
    }
    const verdict = RULES[rule](ctx);
    rules.push({ rule, outcome: verdict.outcome, detail: verdict.detail });
    if (verdict.outcome === 'fail') denial = { rule, reason: verdict.reason };
  }
  if (denial) return { allowed: false, reason: denial.reason, rules, validUntil: null };
  return { allowed: true, reason: ctx.grant.reason, rules, validUntil: ctx.grant.validUntil };
}

/**
 * Rules whose failure does not hide the target from the requestor: the requestor's own privacy
 * hides the requestor, not the target, and no agreement is needed to know a member exists.
 */
const RULES_THAT_DO_NOT_HIDE: ReadonlySet<DecisionRuleName> = new Set(['requestor-privacy', 'federation-policy']);

/**
 * THE visibility rule, read off a decision between two distinct parties: may the requestor see
 * the target at all (its provisioning, its entry in lists, its name in any answer)? Yes unless
 * the decision failed on rules 1–7: an unknown or inactive party, an operator block, a member
 * block in either direction, or the target's Peer Network Privacy. A member that may not be seen
 * must be answered exactly like a domain that is not a member (see `asSeenBy`).
 */
export function targetVisible(decision: Decision): boolean {
  const failed = decision.rules.find((r) => r.outcome === 'fail');
  return !failed || RULES_THAT_DO_NOT_HIDE.has(failed.rule);
}
