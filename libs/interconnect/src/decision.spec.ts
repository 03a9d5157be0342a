import type {
  AgreementState as DbAgreementState,
  FederationMode as DbFederationMode,
  MemberStatus,
  PeeringService,
} from '@app/common';
import type { PeerPrivacy } from './peer-visibility.js';
import {
  Agreement,
  AgreementState,
  DECISION_RULES,
  DecisionInput,
  DecisionReason,
  DecisionRuleName,
  FederationMode,
  PartyStatus,
  PrivacySettings,
  Service,
  SERVICES,
  decide,
  targetVisible,
} from './decision.js';

const A = 'a.example.com';
const B = 'b.example.org';
const C = 'c.example.net';
const AT = new Date('2030-06-01T12:00:00Z');
const LATER = new Date('2030-07-01T00:00:00Z');
const EARLIER = new Date('2030-05-01T00:00:00Z');

const VISIBLE: PrivacySettings = { visibleToAll: true, allow: new Set(), deny: new Set() };

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    requestor: { domain: A, status: 'active' },
    target: { domain: B, status: 'active' },
    service: 'im',
    at: AT,
    mode: 'agreement',
    agreements: [],
    memberBlocks: [],
    operatorBlocks: [],
    targetPrivacy: VISIBLE,
    requestorPrivacy: VISIBLE,
    ...overrides,
  };
}

function agreement(overrides: Partial<Agreement> = {}): Agreement {
  return { offerer: A, offeree: B, services: ['im'], state: 'accepted', expiresAt: null, ...overrides };
}

// ---------------------------------------------------------------------------------------------
// The authorization matrix. The oracle below is written from the federation policy (docs/interconnect.md), table by table,
// and deliberately shares no code with decision.ts.
// ---------------------------------------------------------------------------------------------

const STATUS_CASES = ['unknown', 'pending', 'active', 'suspended', 'withdrawn'] as const;
const AGREEMENT_CASES = [
  'none',
  'offered',
  'accepted',
  'rejected',
  'revoked',
  'accepted-expired',
  'accepted-other-service',
  'accepted-mixed-expiry',
  'accepted-beside-expired',
] as const;
const DIRECTIONS = ['offered-by-requestor', 'offered-by-target'] as const;
const BLOCK_CASES = ['none', 'member-by-target', 'member-by-requestor', 'operator'] as const;
const PRIVACY_CASES = ['visible', 'deny', 'allow-listed', 'not-allowed'] as const;
const MODES: FederationMode[] = ['open', 'agreement'];

type StatusCase = (typeof STATUS_CASES)[number];
type AgreementCase = (typeof AGREEMENT_CASES)[number];
type BlockCase = (typeof BLOCK_CASES)[number];
type PrivacyCase = (typeof PRIVACY_CASES)[number];
interface Cell {
  requestor: StatusCase;
  target: StatusCase;
  agreement: AgreementCase;
  direction: (typeof DIRECTIONS)[number];
  block: BlockCase;
  targetPrivacy: PrivacyCase;
  requestorPrivacy: PrivacyCase;
  service: Service;
  mode: FederationMode;
}

// --- oracle tables ---
const STATUS_DENIAL: Record<'requestor' | 'target', Record<StatusCase, DecisionReason | null>> = {
  requestor: {
    unknown: 'requestor-unknown',
    pending: 'requestor-not-active',
    active: null,
    suspended: 'requestor-not-active',
    withdrawn: 'requestor-not-active',
  },
  target: {
    unknown: 'target-unknown',
    pending: 'target-not-active',
    active: null,
    suspended: 'target-not-active',
    withdrawn: 'target-not-active',
  },
};
const BLOCK_DENIAL: Record<BlockCase, DecisionReason | null> = {
  none: null,
  operator: 'blocked-by-operator',
  'member-by-target': 'blocked-by-target',
  'member-by-requestor': 'blocked-by-requestor',
};
const PRIVACY_LETS_OTHER_SEE: Record<PrivacyCase, boolean> = {
  visible: true,
  deny: false, // deny beats both visible-to-all and the allow list
  'allow-listed': true,
  'not-allowed': false,
};
const AGREEMENT_MODE_OUTCOME: Record<AgreementCase, DecisionReason> = {
  none: 'no-agreement',
  offered: 'no-agreement',
  accepted: 'allowed-by-agreement',
  rejected: 'no-agreement',
  revoked: 'no-agreement',
  'accepted-expired': 'agreement-expired',
  'accepted-other-service': 'service-not-in-agreement',
  'accepted-mixed-expiry': 'allowed-by-agreement',
  'accepted-beside-expired': 'allowed-by-agreement',
};
/** When an allowed decision lapses: the latest expiry of the granting agreements, none if one never expires. */
const VALID_UNTIL_BY_AGREEMENT: Partial<Record<AgreementCase, Date | null>> = {
  accepted: LATER,
  'accepted-mixed-expiry': null,
  'accepted-beside-expired': LATER,
};
const RULE_OF_REASON: Record<DecisionReason, DecisionRuleName> = {
  'requestor-unknown': 'requestor-status',
  'requestor-not-active': 'requestor-status',
  'target-unknown': 'target-status',
  'target-not-active': 'target-status',
  'same-member': 'distinct-parties',
  'blocked-by-operator': 'operator-block',
  'blocked-by-target': 'member-block-by-target',
  'blocked-by-requestor': 'member-block-by-requestor',
  'denied-by-privacy': 'target-privacy', // overridden below for the requestor's side
  'no-agreement': 'federation-policy',
  'agreement-expired': 'federation-policy',
  'service-not-in-agreement': 'federation-policy',
  'allowed-open-federation': 'federation-policy',
  'allowed-by-agreement': 'federation-policy',
};

function oracle(c: Cell): { allowed: boolean; reason: DecisionReason; rule: DecisionRuleName; validUntil: Date | null } {
  const steps: [DecisionReason | null, DecisionRuleName | null][] = [
    [STATUS_DENIAL.requestor[c.requestor], null],
    [STATUS_DENIAL.target[c.target], null],
    [BLOCK_DENIAL[c.block], null],
    [PRIVACY_LETS_OTHER_SEE[c.targetPrivacy] ? null : 'denied-by-privacy', 'target-privacy'],
    [PRIVACY_LETS_OTHER_SEE[c.requestorPrivacy] ? null : 'denied-by-privacy', 'requestor-privacy'],
    [c.mode === 'open' ? 'allowed-open-federation' : AGREEMENT_MODE_OUTCOME[c.agreement], null],
  ];
  const [reason, rule] = steps.find(([r]) => r !== null) as [DecisionReason, DecisionRuleName | null];
  return {
    allowed: reason === 'allowed-open-federation' || reason === 'allowed-by-agreement',
    reason,
    rule: rule ?? RULE_OF_REASON[reason],
    validUntil: reason === 'allowed-by-agreement' ? (VALID_UNTIL_BY_AGREEMENT[c.agreement] ?? null) : null,
  };
}

// --- building the snapshot of a cell ---
function party(domain: string, s: StatusCase) {
  return s === 'unknown' ? null : { domain, status: s as PartyStatus };
}

function privacyTowards(other: string, p: PrivacyCase): PrivacySettings {
  switch (p) {
    case 'visible':
      return { visibleToAll: true, allow: new Set(), deny: new Set([C]) };
    case 'deny':
      return { visibleToAll: true, allow: new Set([other]), deny: new Set([other]) };
    case 'allow-listed':
      return { visibleToAll: false, allow: new Set([C, other]), deny: new Set() };
    case 'not-allowed':
      return { visibleToAll: false, allow: new Set([C]), deny: new Set() };
  }
}

function agreementsOf(c: Cell): Agreement[] {
  const [offerer, offeree] = c.direction === 'offered-by-requestor' ? [A, B] : [B, A];
  const other = SERVICES.find((s) => s !== c.service) as Service;
  const base = { offerer, offeree, services: [c.service], expiresAt: LATER };
  const states: Record<AgreementCase, Agreement[]> = {
    none: [],
    offered: [{ ...base, state: 'offered' }],
    accepted: [{ ...base, state: 'accepted' }],
    rejected: [{ ...base, state: 'rejected' }],
    revoked: [{ ...base, state: 'revoked' }],
    'accepted-expired': [{ ...base, state: 'accepted', expiresAt: EARLIER }],
    'accepted-other-service': [{ ...base, state: 'accepted', services: [other] }],
    'accepted-mixed-expiry': [
      { ...base, state: 'accepted' },
      { ...base, offerer: offeree, offeree: offerer, state: 'accepted', expiresAt: null },
    ],
    'accepted-beside-expired': [
      { ...base, state: 'accepted', expiresAt: EARLIER },
      { ...base, state: 'accepted' },
    ],
  };
  return [...states[c.agreement], ...THIRD_PARTY.agreements];
}

/**
 * Entries about other pairs, present in every cell, that must never count for A and B: accepted,
 * never-expiring agreements for every service, member blocks and operator blocks between each of
 * A and B and a third network C, in both directions and orders.
 */
const THIRD_PARTY = {
  agreements: [
    [A, C],
    [C, A],
    [B, C],
    [C, B],
  ].map(([offerer, offeree]): Agreement => ({ offerer, offeree, services: SERVICES, state: 'accepted', expiresAt: null })),
  memberBlocks: [
    { blocker: A, blocked: C },
    { blocker: C, blocked: A },
    { blocker: B, blocked: C },
    { blocker: C, blocked: B },
  ],
  operatorBlocks: [
    { a: A, b: C },
    { a: C, b: A },
    { a: B, b: C },
    { a: C, b: B },
  ],
};

function snapshot(c: Cell): DecisionInput {
  return {
    requestor: party(A, c.requestor),
    target: party(B, c.target),
    service: c.service,
    at: AT,
    mode: c.mode,
    agreements: agreementsOf(c),
    memberBlocks: [
      ...THIRD_PARTY.memberBlocks,
      ...(c.block === 'member-by-target'
        ? [{ blocker: B, blocked: A }]
        : c.block === 'member-by-requestor'
          ? [{ blocker: A, blocked: B }]
          : []),
    ],
    operatorBlocks: [...THIRD_PARTY.operatorBlocks, ...(c.block === 'operator' ? [{ a: B, b: A }] : [])],
    targetPrivacy: privacyTowards(A, c.targetPrivacy),
    requestorPrivacy: privacyTowards(B, c.requestorPrivacy),
  };
}

function* cells(mode: FederationMode, service: Service): Generator<Cell> {
  for (const requestor of STATUS_CASES)
    for (const target of STATUS_CASES)
      for (const agreement of AGREEMENT_CASES)
        for (const direction of DIRECTIONS)
          for (const block of BLOCK_CASES)
            for (const targetPrivacy of PRIVACY_CASES)
              for (const requestorPrivacy of PRIVACY_CASES)
                yield { requestor, target, agreement, direction, block, targetPrivacy, requestorPrivacy, service, mode };
}

const CELLS_PER_MODE_AND_SERVICE =
  STATUS_CASES.length ** 2 * AGREEMENT_CASES.length * DIRECTIONS.length * BLOCK_CASES.length * PRIVACY_CASES.length ** 2;

describe(`${decide.name} — authorization matrix`, () => {
  const combos = MODES.flatMap((mode) => SERVICES.map((service) => [mode, service] as const));

  it.each(combos)('should decide every cell like the oracle in %s mode for %s', (mode, service) => {
    const mismatches: string[] = [];
    let count = 0;
    // the first ten mismatches tell the story; stop there instead of describing thousands
    for (const cell of cells(mode, service)) {
      if (mismatches.length === 10) break;
      count++;
      const want = oracle(cell);
      const got = decide(snapshot(cell));
      const failed = got.rules.find((r) => r.outcome === 'fail')?.rule ?? (got.allowed ? 'federation-policy' : undefined);
      const until = got.validUntil?.toISOString() ?? 'never';
      const wantUntil = want.validUntil?.toISOString() ?? 'never';
      if (got.allowed !== want.allowed || got.reason !== want.reason || failed !== want.rule || until !== wantUntil) {
        mismatches.push(
          `${JSON.stringify(cell)}: got ${got.reason} (${failed}, until ${until}), want ${want.reason} (${want.rule}, until ${wantUntil})`,
        );
      }
    }
    expect(mismatches).toEqual([]);
    expect(count).toBe(CELLS_PER_MODE_AND_SERVICE);
  });

  it.each(combos)('should give both ends of a pair the same answer in %s mode for %s', (mode, service) => {
    const asymmetric: string[] = [];
    for (const cell of cells(mode, service)) {
      if (asymmetric.length === 10) break;
      const forward = snapshot(cell);
      const backward: DecisionInput = {
        ...forward,
        requestor: forward.target,
        target: forward.requestor,
        targetPrivacy: forward.requestorPrivacy,
        requestorPrivacy: forward.targetPrivacy,
      };
      if (decide(forward).allowed !== decide(backward).allowed) asymmetric.push(JSON.stringify(cell));
    }
    expect(asymmetric).toEqual([]);
  });
});

describe(decide.name, () => {
  it('should record every rule in the documented order, all passing, when allowed', () => {
    const d = decide(input({ agreements: [agreement()] }));
    expect(d).toMatchObject({ allowed: true, reason: 'allowed-by-agreement', validUntil: null });
    expect(d.rules.map((r) => r.rule)).toEqual([...DECISION_RULES]);
    expect(d.rules.every((r) => r.outcome === 'pass' && r.detail.length > 0)).toBe(true);
  });

  it('should name the failing rule and skip every later one', () => {
    const d = decide(input({ memberBlocks: [{ blocker: B, blocked: A }] }));
    expect(d.reason).toBe('blocked-by-target');
    expect(d.rules.map((r) => `${r.rule}:${r.outcome}`)).toEqual([
      'requestor-status:pass',
      'target-status:pass',
      'distinct-parties:pass',
      'operator-block:pass',
      'member-block-by-target:fail',
      'member-block-by-requestor:skip',
      'target-privacy:skip',
      'requestor-privacy:skip',
      'federation-policy:skip',
    ]);
    expect(d.rules[4].detail).toBe(`${B} blocks ${A}`);
    expect(d.validUntil).toBeNull();
  });

  it('should say which status stops a suspended member', () => {
    const d = decide(input({ target: { domain: B, status: 'suspended' }, mode: 'open' }));
    expect(d).toMatchObject({ allowed: false, reason: 'target-not-active' });
    expect(d.rules[1]).toEqual({ rule: 'target-status', outcome: 'fail', detail: `the target ${B} is suspended` });
  });

  it('should check operator blocks before member blocks', () => {
    const d = decide(input({ operatorBlocks: [{ a: A, b: B }], memberBlocks: [{ blocker: B, blocked: A }] }));
    expect(d.reason).toBe('blocked-by-operator');
  });

  it('should refuse a member interconnecting with itself', () => {
    expect(decide(input({ target: { domain: A.toUpperCase(), status: 'active' }, mode: 'open' })).reason).toBe('same-member');
  });

  it('should let an agreement offered by the target cover the requestor once accepted', () => {
    expect(decide(input({ agreements: [agreement({ offerer: B, offeree: A })] })).reason).toBe('allowed-by-agreement');
  });

  it('should stop counting an agreement at its expiry instant without any job', () => {
    const agreements = [agreement({ expiresAt: AT })];
    expect(decide(input({ agreements, at: new Date(AT.getTime() - 1) }))).toMatchObject({ allowed: true, validUntil: AT });
    expect(decide(input({ agreements, at: AT }))).toMatchObject({ allowed: false, reason: 'agreement-expired' });
  });

  it('should report validity until the latest expiry among granting agreements', () => {
    const agreements = [
      agreement({ expiresAt: LATER }),
      agreement({ offerer: B, offeree: A, expiresAt: new Date('2030-08-01T00:00:00Z') }),
    ];
    expect(decide(input({ agreements })).validUntil).toEqual(new Date('2030-08-01T00:00:00Z'));
  });

  it('should grant by a live agreement even when expired or other-service ones exist', () => {
    const agreements = [
      agreement({ expiresAt: EARLIER }),
      agreement({ services: ['presence'] }),
      agreement({ services: ['presence', 'im'] }),
    ];
    expect(decide(input({ agreements })).reason).toBe('allowed-by-agreement');
  });

  it('should prefer agreement-expired over service-not-in-agreement when renewal would help', () => {
    const agreements = [agreement({ services: ['presence'] }), agreement({ expiresAt: EARLIER })];
    expect(decide(input({ agreements })).reason).toBe('agreement-expired');
  });

  it('should report service-not-in-agreement when only an expired agreement for another service exists', () => {
    expect(decide(input({ agreements: [agreement({ services: ['presence'], expiresAt: EARLIER })] })).reason).toBe(
      'service-not-in-agreement',
    );
  });

  it('should ignore agreements, blocks and operator blocks about other pairs', () => {
    const d = decide(
      input({
        agreements: [agreement({ offeree: C }), agreement({ offerer: C, offeree: B })],
        memberBlocks: [
          { blocker: B, blocked: C },
          { blocker: C, blocked: A },
        ],
        operatorBlocks: [{ a: A, b: C }],
      }),
    );
    expect(d.reason).toBe('no-agreement');
    expect(d.rules.filter((r) => r.outcome === 'fail').map((r) => r.rule)).toEqual(['federation-policy']);
  });

  it.each([
    ['the target and a third network', B, C],
    ['a third network and the target', C, B],
    ['the requestor and a third network', A, C],
    ['a third network and the requestor', C, A],
  ])('should not let an agreement between %s grant the pair', (_between, offerer, offeree) => {
    const d = decide(input({ agreements: [agreement({ offerer, offeree, services: [...SERVICES] })] }));
    expect(d).toMatchObject({ allowed: false, reason: 'no-agreement' });
    expect(d.rules[8].detail).toBe(`agreement mode: no accepted agreement between ${A} and ${B}`);
  });

  it.each([
    ['the target and a third network', B, C],
    ['a third network and the target', C, B],
    ['the requestor and a third network', A, C],
    ['a third network and the requestor', C, A],
  ])('should not let an operator block between %s block the pair', (_between, a, b) => {
    expect(decide(input({ mode: 'open', operatorBlocks: [{ a, b }] }))).toMatchObject({
      allowed: true,
      reason: 'allowed-open-federation',
    });
  });

  it.each([
    ['the requestor of a third network', A, C],
    ['a third network of the target', C, B],
    ['the target of a third network', B, C],
    ['a third network of the requestor', C, A],
  ])('should not let a block by %s block the pair', (_between, blocker, blocked) => {
    expect(decide(input({ mode: 'open', memberBlocks: [{ blocker, blocked }] })).allowed).toBe(true);
  });

  it("should refuse on the requestor's own block of the target, and say so", () => {
    const d = decide(input({ mode: 'open', memberBlocks: [{ blocker: 'A.EXAMPLE.COM', blocked: 'B.Example.Org' }] }));
    expect(d).toMatchObject({ allowed: false, reason: 'blocked-by-requestor', validUntil: null });
    expect(d.rules[4]).toEqual({ rule: 'member-block-by-target', outcome: 'pass', detail: `${B} does not block ${A}` });
    expect(d.rules[5]).toEqual({ rule: 'member-block-by-requestor', outcome: 'fail', detail: `${A} blocks ${B}` });
  });

  it('should not lapse while a live agreement that never expires grants it beside an expiring one', () => {
    for (const agreements of [
      [agreement({ expiresAt: LATER }), agreement({ offerer: B, offeree: A, expiresAt: null })],
      [agreement({ expiresAt: null }), agreement({ expiresAt: LATER })],
    ]) {
      expect(decide(input({ agreements }))).toMatchObject({ allowed: true, reason: 'allowed-by-agreement', validUntil: null });
    }
  });

  it('should lapse at the latest expiry of the live agreements only', () => {
    const agreements = [agreement({ expiresAt: EARLIER }), agreement({ expiresAt: LATER }), agreement({ expiresAt: AT })];
    expect(decide(input({ agreements })).validUntil).toEqual(LATER);
  });

  it('should ignore agreements entirely in open mode', () => {
    expect(decide(input({ mode: 'open', agreements: [agreement({ state: 'revoked' })] })).reason).toBe('allowed-open-federation');
  });

  it('should list the states of agreements that do not count', () => {
    const d = decide(input({ agreements: [agreement({ state: 'revoked' }), agreement({ state: 'offered' })] }));
    expect(d.rules[8].detail).toBe(`agreement mode: no accepted agreement between ${A} and ${B} (only offered, revoked ones)`);
  });

  it('should let deny beat the allow list of a member not visible to all', () => {
    const requestorPrivacy = { visibleToAll: false, allow: new Set([B]), deny: new Set([B]) };
    const d = decide(input({ mode: 'open', requestorPrivacy }));
    expect(d).toMatchObject({ allowed: false, reason: 'denied-by-privacy' });
    expect(d.rules[7]).toEqual({
      rule: 'requestor-privacy',
      outcome: 'fail',
      detail: `${A} denies ${B} in its Peer Network Privacy`,
    });
  });

  it('should compare domains case-insensitively', () => {
    const targetPrivacy = { visibleToAll: true, allow: new Set<string>(), deny: new Set(['A.Example.COM']) };
    expect(decide(input({ mode: 'open', targetPrivacy })).reason).toBe('denied-by-privacy');
    expect(decide(input({ mode: 'open', memberBlocks: [{ blocker: 'B.EXAMPLE.ORG', blocked: A }] })).reason).toBe(
      'blocked-by-target',
    );
    expect(decide(input({ requestor: { domain: 'A.EXAMPLE.COM', status: 'active' }, agreements: [agreement()] })).allowed).toBe(
      true,
    );
  });

  it('should accept the stored enums and the provisioning privacy as inputs', () => {
    type Same<X, Y> = [X] extends [Y] ? ([Y] extends [X] ? true : false) : false;
    const same: [
      Same<MemberStatus, PartyStatus>,
      Same<PeeringService, Service>,
      Same<DbAgreementState, AgreementState>,
      Same<DbFederationMode, FederationMode>,
    ] = [true, true, true, true];
    const privacy: PeerPrivacy = { listed: true, visibleToAll: true, allow: new Set(), deny: new Set() };
    expect(same).toEqual([true, true, true, true]);
    expect(decide(input({ mode: 'open', targetPrivacy: privacy })).allowed).toBe(true);
  });
});

describe(`${decide.name} — explanations`, () => {
  it('should explain an allowed decision rule by rule, naming the parties and the granting agreement', () => {
    const d = decide(
      input({
        requestorPrivacy: { visibleToAll: false, allow: new Set([B]), deny: new Set() },
        agreements: [agreement({ id: 'ag-2', offerer: B, offeree: A, services: ['im', 'n-way-chat'] })],
      }),
    );
    expect(d.rules).toEqual([
      { rule: 'requestor-status', outcome: 'pass', detail: `the requestor ${A} is active` },
      { rule: 'target-status', outcome: 'pass', detail: `the target ${B} is active` },
      { rule: 'distinct-parties', outcome: 'pass', detail: `${A} and ${B} are distinct` },
      { rule: 'operator-block', outcome: 'pass', detail: 'no operator block between the pair' },
      { rule: 'member-block-by-target', outcome: 'pass', detail: `${B} does not block ${A}` },
      { rule: 'member-block-by-requestor', outcome: 'pass', detail: `${A} does not block ${B}` },
      { rule: 'target-privacy', outcome: 'pass', detail: `${B} is visible to all members` },
      { rule: 'requestor-privacy', outcome: 'pass', detail: `${A} is visible only to listed peers and allows ${B}` },
      {
        rule: 'federation-policy',
        outcome: 'pass',
        detail: `agreement mode: the agreement ag-2 (${B} → ${A}: im, n-way-chat) covers im`,
      },
    ]);
    expect(decide(input({ mode: 'open' })).rules[8].detail).toBe(
      'open federation: every pair of active members may interconnect unless blocked',
    );
  });

  it.each<[DecisionReason, Partial<DecisionInput>, string]>([
    ['requestor-unknown', { requestor: null }, 'the requestor is not a member of this clearing house'],
    ['requestor-not-active', { requestor: { domain: A, status: 'pending' } }, `the requestor ${A} is pending`],
    ['target-unknown', { target: null }, 'the target is not a member of this clearing house'],
    ['target-not-active', { target: { domain: B, status: 'withdrawn' } }, `the target ${B} is withdrawn`],
    ['same-member', { target: { domain: A, status: 'active' } }, `${A} cannot interconnect with itself`],
    ['blocked-by-operator', { operatorBlocks: [{ a: B, b: A }] }, `operators block the pair ${A} / ${B}`],
    [
      'denied-by-privacy',
      { targetPrivacy: { visibleToAll: false, allow: new Set([C]), deny: new Set() } },
      `${B} is visible only to listed peers and does not allow ${A}`,
    ],
    [
      'no-agreement',
      { agreements: [agreement({ state: 'rejected' })] },
      `agreement mode: no accepted agreement between ${A} and ${B} (only rejected ones)`,
    ],
    [
      'agreement-expired',
      { agreements: [agreement({ id: 'ag-1', expiresAt: EARLIER })] },
      `agreement mode: the agreement ag-1 (${A} → ${B}: im, expires ${EARLIER.toISOString()}) covering im has expired`,
    ],
    [
      'service-not-in-agreement',
      { agreements: [agreement({ services: ['presence', 'file-transfer'] })] },
      `agreement mode: the agreement (${A} → ${B}: presence, file-transfer) does not cover im`,
    ],
  ])('should explain %s in words and skip the rules after it', (reason, change, detail) => {
    const d = decide(input(change));
    const at = d.rules.findIndex((r) => r.outcome === 'fail');
    expect(d).toMatchObject({ allowed: false, reason });
    expect(d.rules[at].detail).toBe(detail);
    for (const later of d.rules.slice(at + 1)) {
      expect(later).toEqual({ rule: later.rule, outcome: 'skip', detail: `not evaluated: decided by ${d.rules[at].rule}` });
    }
  });
});

describe('targetVisible', () => {
  const deny = (domain: string): PrivacySettings => ({ visibleToAll: true, allow: new Set(), deny: new Set([domain]) });

  it.each<[string, Partial<DecisionInput>]>([
    ['an unknown target', { target: null }],
    ['a suspended target', { target: { domain: B, status: 'suspended' } }],
    ['a pending target', { target: { domain: B, status: 'pending' } }],
    ['an operator block', { operatorBlocks: [{ a: B, b: A }] }],
    ['a block by the target', { memberBlocks: [{ blocker: B, blocked: A }] }],
    ['a block by the requestor', { memberBlocks: [{ blocker: A, blocked: B }] }],
    ["the target's deny list", { targetPrivacy: deny(A) }],
    [
      "the target's allow list without the requestor",
      { targetPrivacy: { visibleToAll: false, allow: new Set([C]), deny: new Set() } },
    ],
  ])('should hide the target behind %s', (_why, change) => {
    expect(targetVisible(decide(input(change)))).toBe(false);
  });

  it.each<[string, Partial<DecisionInput>]>([
    ['no agreement in agreement mode', {}],
    ["the requestor's own privacy", { requestorPrivacy: deny(B), mode: 'open' }],
    ['an allowed decision', { mode: 'open' }],
  ])('should not hide the target for %s', (_why, change) => {
    expect(targetVisible(decide(input(change)))).toBe(true);
  });
});
