import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGREEMENT_STATES, CREDENTIAL_KINDS, FEDERATION_MODES, PEERING_SERVICES, PIN_TYPES } from '@app/common';
import { ALLOW_REASONS, DECISION_RULES, DENIAL_REASONS } from '@app/interconnect';

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
