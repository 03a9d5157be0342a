/**
 * The hub's domain vocabularies: the values a status, a role, a service or a pin type may take.
 * The entities store them (their CHECK constraints list the same values), services reason with
 * them, and controllers and DTOs validate against them; all of them import them from here.
 */

// Federation policy
export const FEDERATION_MODES = ['open', 'agreement'] as const;
export type FederationMode = (typeof FEDERATION_MODES)[number];

// Legal holds
export const LEGAL_HOLD_SCOPES = ['member', 'participant', 'room'] as const;
export type LegalHoldScope = (typeof LEGAL_HOLD_SCOPES)[number];

// Member credentials
export const CREDENTIAL_KINDS = ['jwk', 'certificate-pin'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];
export const PIN_TYPES = ['certificate', 'spki'] as const;
export type PinType = (typeof PIN_TYPES)[number];

// Members
export const MEMBER_STATUSES = ['pending', 'active', 'suspended', 'withdrawn'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const MEMBER_PROTOCOLS = ['sip', 'xmpp', 'matrix'] as const;
export type MemberProtocol = (typeof MEMBER_PROTOCOLS)[number];
export const CONTACT_ROLES = ['admin', 'security', 'noc', 'abuse'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export type MemberContacts = Partial<Record<ContactRole, string[]>>;

// Operators
export const OPERATOR_ROLES = ['admin', 'auditor'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

// Peering agreements
export const PEERING_SERVICES = ['presence', 'im', 'n-way-chat', 'file-transfer'] as const;
export type PeeringService = (typeof PEERING_SERVICES)[number];
export const AGREEMENT_STATES = ['offered', 'accepted', 'rejected', 'revoked'] as const;
export type AgreementState = (typeof AGREEMENT_STATES)[number];

// Hub-hosted chat rooms
export const CHAT_ROLES = ['owner', 'moderator', 'participant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];
/** who may read a room's history: everyone present now, or only from when one joined / was invited */
export const CHAT_HISTORY_VISIBILITIES = ['shared', 'joined', 'invited'] as const;
export type ChatHistoryVisibility = (typeof CHAT_HISTORY_VISIBILITIES)[number];
/** `removed`: taken out by the hub because its network lost the right to be in the room */
export const CHAT_PARTICIPANT_STATES = ['invited', 'joined', 'left', 'kicked', 'banned', 'removed'] as const;
export type ChatParticipantState = (typeof CHAT_PARTICIPANT_STATES)[number];

// Usage accounting (the settlement basis between members)
export const USAGE_KINDS = [
  'messages-logged',
  'chat-messages',
  'chat-deliveries',
  'provisioning-fetches',
  'assertions-issued',
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];
