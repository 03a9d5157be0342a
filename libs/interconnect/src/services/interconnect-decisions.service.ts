import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ALL_CHANGED, ChangeBus, PolicyRepository, ProvisioningRepository } from '@app/db';
import { normalizeDomain } from '@app/common';
import type { ProvisioningDocument } from '@app/xml';
import {
  Agreement,
  decide,
  Decision,
  FederationMode,
  MemberBlock,
  OperatorBlock,
  PartyState,
  PrivacySettings,
  Service,
  targetVisible,
} from '../decision.js';
import { DecisionCache } from '../decision-cache.js';
import { DEFAULT_PRIVACY, delegatedServicesOf, membershipFor, privacyOf } from '../peer-visibility.js';
import { POLICY_CHANGE_KEY } from './policy-change.js';
import { DecisionMetrics } from './decision-metrics.js';

interface MemberFacts {
  state: NonNullable<PartyState>;
  privacy: PrivacySettings;
  delegated: ReadonlySet<string>;
  /** where the member's gateway takes room events (its membership's chat-delivery URI) */
  chatDelivery: string | undefined;
}

/**
 * One consistent view of the federation for deciding many things at once (a message-log batch):
 * who owns a host name, what a member delegated to the hub, and the decision itself — all
 * synchronous over the same snapshot.
 */
export interface DecisionDirectory {
  /**
   * The member whose domain is `host` or its nearest parent domain (sip.a.example → a.example);
   * null if none. With `viewer`, members hidden from the viewer are passed over as if they were
   * not members.
   */
  ownerOf(host: string, viewer?: string, at?: Date): string | null;
  /** The one visibility rule (`InterconnectDecisions.visible`) over this snapshot. */
  visible(viewer: string, target: string, at?: Date): boolean;
  /** Clearing-house services the member delegated to this hub in its current document. */
  delegatedServices(domain: string): ReadonlySet<string>;
  /** Is `domain` a member whose status is active? */
  isActive(domain: string): boolean;
  /** The URI the member's chat gateway takes room events at, if it declared one (else it pulls). */
  chatDeliveryUri(domain: string): string | undefined;
  decide(requestor: string, target: string, service: Service, at?: Date): Decision;
}

/** Everything the decision needs, loaded once and reused until a change is announced. */
export interface PolicySnapshot {
  mode: FederationMode;
  members: Map<string, MemberFacts>;
  agreements: Agreement[];
  memberBlocks: MemberBlock[];
  operatorBlocks: OperatorBlock[];
}

const NOTHING_DELEGATED: ReadonlySet<string> = new Set();

/**
 * `may A interconnect with B for service S now?` — the one place the hub answers it. The
 * snapshot is cached in-process and dropped on every member or policy change announced on the
 * ChangeBus (any process), so a cache hit costs no database query and a revocation is effective
 * everywhere as soon as the notification arrives.
 */
@Injectable()
export class InterconnectDecisions {
  private snapshot: Promise<PolicySnapshot> | undefined;
  private epoch = 0;
  /** keyed by the snapshot object: a dry run's proposed snapshot is another object, with none */
  private readonly directories = new WeakMap<PolicySnapshot, DecisionDirectory>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: PolicyRepository,
    private readonly provisioning: ProvisioningRepository,
    private readonly metrics: DecisionMetrics,
    changes: ChangeBus,
  ) {
    changes.subscribe((key) => {
      if (key === ALL_CHANGED || key === POLICY_CHANGE_KEY || key.startsWith('member:')) {
        this.epoch++;
        this.snapshot = undefined;
      }
    });
  }

  async decide(requestorInput: string, targetInput: string, service: Service, at = new Date()): Promise<Decision> {
    const requestor = normalizeDomain(requestorInput, 'requestor');
    const target = normalizeDomain(targetInput, 'peer');
    return this.metrics.taken(service, decide({ ...this.inputs(await this.current(), requestor, target), service, at }));
  }

  /**
   * May `requestor` see `target` at all (its provisioning, its entry in lists and feeds, its name
   * in any answer)? The one visibility rule of the hub (`targetVisible`): the same rules as
   * interconnection — both active, no operator or member block, the target's Peer Network
   * Privacy — except that no agreement is needed (members read each other's provisioning to set
   * peering up) and the requestor's own privacy does not hide others from it. Every member-facing
   * route answers about a member that is not visible exactly as about a domain that is not a member.
   */
  async visible(requestor: string, target: string, at = new Date()): Promise<boolean> {
    return this.visibleIn(await this.current(), requestor, target, at);
  }

  /**
   * The decision between `requestorInput` and `targetInput` as `viewer` (one of the two) may
   * learn it: when the other party is hidden from the viewer, the decision is taken as if that
   * party were not a member, so its reason and every rule's detail are those of an unknown domain.
   */
  async asSeenBy(
    viewer: string,
    requestorInput: string,
    targetInput: string,
    service: Service,
    at = new Date(),
    fields: { requestor: string; target: string } = { requestor: 'requestor', target: 'peer' },
  ): Promise<Decision> {
    const requestor = normalizeDomain(requestorInput, fields.requestor);
    const target = normalizeDomain(targetInput, fields.target);
    const snapshot = await this.current();
    const inputs = this.inputs(snapshot, requestor, target);
    if (viewer === requestor && !this.visibleIn(snapshot, viewer, target, at)) {
      Object.assign(inputs, { target: null, targetPrivacy: DEFAULT_PRIVACY });
    } else if (viewer === target && !this.visibleIn(snapshot, viewer, requestor, at)) {
      Object.assign(inputs, { requestor: null, requestorPrivacy: DEFAULT_PRIVACY });
    }
    return this.metrics.taken(service, decide({ ...inputs, service, at }));
  }

  private visibleIn(snapshot: PolicySnapshot, viewer: string, target: string, at: Date): boolean {
    if (viewer === target) return true;
    return targetVisible(decide({ ...this.inputs(snapshot, viewer, target), service: 'presence', at }));
  }

  /**
   * The current snapshot as a directory; domains given to it must already be normalised. One
   * directory per snapshot, with the decisions taken through it (DecisionCache): batch after
   * batch of the same pairs reuse them until a change drops the snapshot.
   */
  async directory(): Promise<DecisionDirectory> {
    const snapshot = await this.current();
    let directory = this.directories.get(snapshot);
    if (!directory) this.directories.set(snapshot, (directory = this.directoryOf(snapshot)));
    return directory;
  }

  private directoryOf(snapshot: PolicySnapshot): DecisionDirectory {
    const decisions = new DecisionCache();
    const visible = (viewer: string, target: string, at = new Date()) =>
      viewer === target ||
      targetVisible(
        decisions.decide(viewer, target, 'presence', at, () =>
          decide({ ...this.inputs(snapshot, viewer, target), service: 'presence', at }),
        ),
      );
    return {
      ownerOf: (host, viewer, at) => {
        for (let name = host; name.includes('.'); name = name.slice(name.indexOf('.') + 1)) {
          if (snapshot.members.has(name) && (viewer === undefined || visible(viewer, name, at))) return name;
        }
        return null;
      },
      visible,
      delegatedServices: (domain) => snapshot.members.get(domain)?.delegated ?? NOTHING_DELEGATED,
      isActive: (domain) => snapshot.members.get(domain)?.state.status === 'active',
      chatDeliveryUri: (domain) => snapshot.members.get(domain)?.chatDelivery,
      decide: (requestor, target, service, at = new Date()) =>
        decisions.decide(requestor, target, service, at, () =>
          decide({ ...this.inputs(snapshot, requestor, target), service, at }),
        ),
    };
  }

  /** The same decision against a hypothetical policy (operators' dry run); nothing is stored. */
  async dryRun(
    requestorInput: string,
    targetInput: string,
    service: Service,
    change: { mode?: FederationMode; addOperatorBlock?: OperatorBlock; removeOperatorBlock?: OperatorBlock },
    at = new Date(),
  ): Promise<{ current: Decision; proposed: Decision }> {
    const requestor = normalizeDomain(requestorInput, 'requestor');
    const target = normalizeDomain(targetInput, 'peer');
    const snapshot = await this.current();
    const same = (x: OperatorBlock, y: OperatorBlock) => (x.a === y.a && x.b === y.b) || (x.a === y.b && x.b === y.a);
    const proposed: PolicySnapshot = {
      ...snapshot,
      mode: change.mode ?? snapshot.mode,
      operatorBlocks: [
        ...snapshot.operatorBlocks.filter((b) => !change.removeOperatorBlock || !same(b, change.removeOperatorBlock)),
        ...(change.addOperatorBlock ? [change.addOperatorBlock] : []),
      ],
    };
    return {
      current: decide({ ...this.inputs(snapshot, requestor, target), service, at }),
      proposed: decide({ ...this.inputs(proposed, requestor, target), service, at }),
    };
  }

  private inputs(snapshot: PolicySnapshot, requestor: string, target: string) {
    const r = snapshot.members.get(requestor);
    const t = snapshot.members.get(target);
    return {
      requestor: r?.state ?? null,
      target: t?.state ?? null,
      mode: snapshot.mode,
      agreements: snapshot.agreements,
      memberBlocks: snapshot.memberBlocks,
      operatorBlocks: snapshot.operatorBlocks,
      requestorPrivacy: r?.privacy ?? DEFAULT_PRIVACY,
      targetPrivacy: t?.privacy ?? DEFAULT_PRIVACY,
    };
  }

  private current(): Promise<PolicySnapshot> {
    if (!this.snapshot) {
      const startedAt = this.epoch;
      const loading = this.load();
      this.snapshot = loading;
      // a change announced while loading makes this snapshot stale: do not keep it
      loading.then(
        () => {
          if (this.epoch !== startedAt && this.snapshot === loading) this.snapshot = undefined;
        },
        () => {
          if (this.snapshot === loading) this.snapshot = undefined;
        },
      );
    }
    return this.snapshot;
  }

  private async load(): Promise<PolicySnapshot> {
    const [mode, agreements, blocks] = await Promise.all([
      this.policy.mode(),
      this.policy.allAgreements(),
      this.policy.allBlocks(),
    ]);
    const members = new Map<string, MemberFacts>();
    for await (const { member, current } of this.provisioning.streamMembersWithCurrent()) {
      const document = current?.document as unknown as ProvisioningDocument | undefined;
      members.set(member.domain, {
        state: { domain: member.domain, status: member.status },
        privacy: privacyOf(document, this.config.hub.domain),
        delegated: delegatedServicesOf(document, this.config.hub.domain),
        chatDelivery: membershipFor(document, this.config.hub.domain)?.chatDelivery?.uri,
      });
    }
    return {
      mode,
      members,
      agreements: agreements.map((a) => ({
        id: a.id,
        offerer: a.offererDomain,
        offeree: a.offereeDomain,
        services: a.services,
        state: a.state,
        expiresAt: a.expiresAt,
      })),
      memberBlocks: blocks
        .filter((b) => b.scope === 'member')
        .map((b) => ({ blocker: b.blockerDomain, blocked: b.blockedDomain })),
      operatorBlocks: blocks.filter((b) => b.scope === 'operator').map((b) => ({ a: b.blockerDomain, b: b.blockedDomain })),
    };
  }
}
