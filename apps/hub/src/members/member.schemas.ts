import { ApiProperty } from '@nestjs/swagger';
import { MEMBER_PROTOCOLS, MEMBER_STATUSES } from '@app/common';
import { MemberContactsDto } from './member.dto.js';

/** OpenAPI schemas of the member responses (member.response.ts builds them). */
export class MemberResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'a.example.com' }) domain: string;
  @ApiProperty({ example: 'Example A Networks' }) displayName: string;
  @ApiProperty({ enum: MEMBER_PROTOCOLS, isArray: true, example: ['sip', 'xmpp'] }) protocols: string[];
  @ApiProperty({ type: MemberContactsDto }) contacts: MemberContactsDto;
  @ApiProperty({ enum: MEMBER_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true, description: 'the reason given with the last status change' })
  statusReason: string | null;
  @ApiProperty({ format: 'date-time' }) statusChangedAt: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class MemberPageResponse {
  @ApiProperty({ type: [MemberResponse] }) items: MemberResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as ?cursor= for the next page; null on the last' })
  nextCursor: string | null;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'hubmk_3kq9', description: 'the visible start of the key, to recognise it' }) prefix: string;
  @ApiProperty({ type: String, nullable: true, example: 'edge-proxy-2' }) label: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
}

export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) items: ApiKeyResponse[];
}

/** The only response that contains a key's secret; it is shown once. */
export class IssuedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'the API key: send it as Authorization: Bearer <token>; shown only now' }) token: string;
}

export class ApprovedMemberResponse {
  @ApiProperty({ type: MemberResponse }) member: MemberResponse;
  @ApiProperty({ type: IssuedApiKeyResponse }) apiKey: IssuedApiKeyResponse;
}

export class ApplicationResponse {
  @ApiProperty({ format: 'uuid', description: 'ask GET /v1/applications/{id} for its status' }) applicationId: string;
  @ApiProperty({ example: 'a.example.com' }) domain: string;
  @ApiProperty({ enum: MEMBER_STATUSES, example: 'pending' }) status: string;
}

export class ApplicationCreatedResponse extends ApplicationResponse {
  @ApiProperty({
    example: 'hubac_…',
    description: 'shown only here: after approval it collects the API key at POST /v1/applications/{domain}/api-key',
  })
  claimSecret: string;
}

export class ApplicationStatusResponse extends ApplicationResponse {
  @ApiProperty({ format: 'date-time' }) statusChangedAt: string;
}
