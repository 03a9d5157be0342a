/** The parts of the admin API's answers the console reads (the OpenAPI document at /docs has them all). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface SignedInOperator {
  id: string;
  name: string;
  role: 'admin' | 'auditor';
}

export interface Operator {
  id: string;
  name: string;
  role: string;
}

export type MemberStatus = 'pending' | 'active' | 'suspended' | 'withdrawn';

export interface Member {
  domain: string;
  displayName: string;
  protocols: string[];
  status: MemberStatus;
  statusReason: string | null;
  statusChangedAt: string;
  createdAt: string;
}

export interface ApprovedMember {
  member: Member;
  apiKey: { prefix: string; token: string };
}

export type EdgeKind = 'agreement' | 'offer' | 'refusal' | 'operator-block' | 'member-block';

export interface GraphEdge {
  id: string;
  kind: EdgeKind;
  source: string;
  target: string;
  services: string[];
  expiresAt: string | null;
  expired: boolean;
  reason: string | null;
  since: string;
}

export interface PeeringGraph {
  mode: 'open' | 'agreement';
  nodes: Array<{ domain: string; displayName: string; status: MemberStatus }>;
  edges: GraphEdge[];
}

export interface Decision {
  allowed: boolean;
  reason: string;
  rules: Array<{ rule: string; outcome: 'pass' | 'fail' | 'skip'; detail: string }>;
  validUntil: string | null;
}

export interface QueueOverview {
  backend: string;
  queues: Array<{ name: string; counts: Record<string, number>; parked: number }>;
}

export interface QueueJob {
  id: string;
  queue: string;
  name: string;
  state: string;
  parkedAt: string | null;
  attemptsMade: number | null;
  failedReason: string | null;
}

export interface ChatDestination {
  network: string;
  mode: 'push' | 'pull';
  gateway: string | null;
  pending: number;
  attempts: number;
  parkedAt: string | null;
  lastError: string | null;
  lastSuccessAt: string | null;
}

export const USAGE_COLUMNS = {
  messagesLogged: 'Messages logged',
  chatMessages: 'Chat messages',
  chatDeliveries: 'Chat deliveries',
  provisioningFetches: 'Provisioning fetches',
  assertionsIssued: 'Assertions issued',
} as const;
export type UsageColumn = keyof typeof USAGE_COLUMNS;

export type UsageRow = { period: string; member: string | null } & Record<UsageColumn, number>;

export interface UsageReport {
  from: string;
  to: string;
  granularity: 'day' | 'month';
  members: UsageRow[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: string; id: string };
  action: string;
  target: { type: string; id: string };
  reason: string | null;
}

export interface ChainVerification {
  ok: boolean;
  brokenAt?: number;
  reason?: string;
  detail?: string;
}
