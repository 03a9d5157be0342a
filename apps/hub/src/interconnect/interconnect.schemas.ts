import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGREEMENT_STATES, CREDENTIAL_KINDS, FEDERATION_MODES, MEMBER_STATUSES, PEERING_SERVICES, PIN_TYPES } from '@app/common';
import { ALLOW_REASONS, DECISION_RULES, DENIAL_REASONS, PEERING_EDGE_KINDS } from '@app/interconnect';

/** OpenAPI schemas of the interconnection responses. */
export class RuleResultResponse {
  @ApiProperty({ enum: DECISION_RULES }) rule: string;
  @ApiProperty({ enum: ['pass', 'fail', 'skip'] }) outcome: string;
  @ApiProperty({ example: 'the requestor a.example.com is active' }) detail: string;
}

export class DecisionResponse {
  @ApiProperty() allowed: boolean;
  @ApiProperty({ enum: [...DENIAL_REASONS, ...ALLOW_REASONS], description: 'stable machine code' }) reason: string;
  @ApiProperty({ type: [RuleResultResponse], description: 'every rule in order, with its outcome' }) rules: RuleResultResponse[];
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when an allowed decision lapses on its own (null: only a policy change ends it; always null when refused)',
  })
  validUntil: string | null;
}

export class DryRunResponse {
  @ApiProperty({ type: DecisionResponse }) current: DecisionResponse;
  @ApiProperty({ type: DecisionResponse, description: 'the decision were the proposed change made' }) proposed: DecisionResponse;
}

class VerifiedCredential {
  @ApiProperty({ enum: CREDENTIAL_KINDS }) type: string;
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class VerificationResponse {
  @ApiProperty({ description: 'the pin or key belongs to the claimed member and is valid now' }) authentic: boolean;
  @ApiProperty({ type: VerifiedCredential, nullable: true }) credential: VerifiedCredential | null;
  @ApiProperty({ type: DecisionResponse }) decision: DecisionResponse;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) validUntil: string | null;
  @ApiProperty() reason: string;
}

export class AgreementResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'a.example.com' }) offerer: string;
  @ApiProperty({ example: 'b.example.org' }) offeree: string;
  @ApiProperty({ enum: PEERING_SERVICES, isArray: true }) services: string[];
  @ApiProperty({ enum: AGREEMENT_STATES }) state: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ description: 'past its expiry: no longer counts' }) expired: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedBy: string | null;
}

export class AgreementListResponse {
  @ApiProperty({ type: [AgreementResponse] }) items: AgreementResponse[];
}

export class BlockResponse {
  @ApiProperty({ enum: ['member', 'operator'] }) scope: string;
  @ApiProperty({ example: 'a.example.com' }) blocker: string;
  @ApiProperty({ example: 'c.example.net' }) blocked: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class BlockListResponse {
  @ApiProperty({ type: [BlockResponse] }) items: BlockResponse[];
}

export class CredentialResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CREDENTIAL_KINDS }) kind: string;
  @ApiProperty({ type: String, nullable: true, description: 'the key id (kind jwk)' }) kid: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'the public JWK (kind jwk)' })
  jwk: Record<string, unknown> | null;
  @ApiProperty({ enum: PIN_TYPES, nullable: true }) pinType: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the pinned SHA-256 (kind certificate-pin)' })
  sha256: string | null;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
  @ApiProperty({ format: 'date-time' }) notBefore: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) notAfter: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
}

export class CredentialListResponse {
  @ApiProperty({ type: [CredentialResponse] }) items: CredentialResponse[];
}

export class ModeResponse {
  @ApiProperty({ enum: FEDERATION_MODES }) mode: string;
}

export class TransparencyEntryResponse {
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'block' }) kind: string;
  @ApiProperty({ type: [String], description: 'the members the entry concerns' }) subjects: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the hashed content' })
  entry: Record<string, unknown>;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
}

export class TransparencyListResponse {
  @ApiProperty({ type: [TransparencyEntryResponse] }) items: TransparencyEntryResponse[];
}

export class ChainLinkResponse {
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
}

export class ChainLinkListResponse {
  @ApiProperty({ type: [ChainLinkResponse] }) items: ChainLinkResponse[];
}

export class TransparencyVerificationResponse {
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional({ type: 'integer', description: 'the seq of the first broken link (when not ok)' }) brokenAt?: number;
  @ApiPropertyOptional({ example: 'hash-mismatch' }) reason?: string;
  @ApiPropertyOptional() detail?: string;
}

export class AssertionResponse {
  @ApiProperty({ description: 'compact JWS signed by the hub' }) assertion: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ description: 'the signing key, in the JWKS at /.well-known/jwks.json' }) kid: string;
}

export class JwksResponse {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'public JWKs (RFC 7517)' })
  keys: Record<string, unknown>[];
}

export class HubKeyResponse {
  @ApiProperty() kid: string;
  @ApiProperty({ example: 'EdDSA' }) alg: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when it stops signing' }) retiresAt:
    string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'until when the JWKS lists it' })
  publishedUntil: string | null;
  @ApiProperty() published: boolean;
}

export class HubKeyListResponse {
  @ApiProperty({ type: [HubKeyResponse] }) items: HubKeyResponse[];
}

class PeeringGraphNodeResponse {
  @ApiProperty({ example: 'a.example.com' }) domain: string;
  @ApiProperty({ example: 'Example A Networks' }) displayName: string;
  @ApiProperty({ enum: MEMBER_STATUSES }) status: string;
}

class PeeringGraphEdgeResponse {
  @ApiProperty({
    example: '4f3c2d1e-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
    description: 'the agreement id, or `<scope>-block:<blocker>:<blocked>` for a block',
  })
  id: string;
  @ApiProperty({
    enum: PEERING_EDGE_KINDS,
    description:
      'agreement: accepted; offer: offered, not yet answered; refusal: an offer the offeree rejected; operator-block: operators forbid the pair; member-block: source blocks target',
  })
  kind: string;
  @ApiProperty({
    example: 'a.example.com',
    description: 'the offerer, or the blocker (an operator block: the first of the pair)',
  })
  source: string;
  @ApiProperty({ example: 'b.example.org' }) target: string;
  @ApiProperty({ enum: PEERING_SERVICES, isArray: true, description: 'the services offered or agreed (empty for blocks)' })
  services: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ description: 'past its expiry: it no longer counts' }) expired: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'the reason given with a block' }) reason: string | null;
  @ApiProperty({ format: 'date-time', description: 'when it took its current state' }) since: string;
}

export class PeeringGraphResponse {
  @ApiProperty({ enum: FEDERATION_MODES }) mode: string;
  @ApiProperty({ type: [PeeringGraphNodeResponse], description: 'every member, whatever its status' })
  nodes: PeeringGraphNodeResponse[];
  @ApiProperty({ type: [PeeringGraphEdgeResponse], description: 'agreements, offers, refusals and blocks between members' })
  edges: PeeringGraphEdgeResponse[];
}
