import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI schemas of the provisioning responses. */
export class ProvisioningVersionResponse {
  @ApiProperty({ type: 'integer', example: 3, description: "the version's number for this member" }) seq: number;
  @ApiProperty({ example: 'sha256-Jm0…', description: 'the content hash, also the ETag' }) ver: string;
  @ApiProperty({ format: 'date-time' }) published: string;
}

export class PublishResponse extends ProvisioningVersionResponse {
  @ApiProperty({ description: 'false: the document equals the current version, nothing was stored' }) created: boolean;
}

export class ProvisioningVersionDetailResponse extends ProvisioningVersionResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the document (JSON form)' })
  document: Record<string, unknown>;
}

export class ProvisioningVersionPageResponse {
  @ApiProperty({ type: [ProvisioningVersionResponse] }) items: ProvisioningVersionResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ProvisioningChangeResponse extends ProvisioningVersionResponse {
  @ApiProperty({ example: 'b.example.org' }) domain: string;
}

export class ProvisioningChangesResponse {
  @ApiProperty({ type: [ProvisioningChangeResponse] }) items: ProvisioningChangeResponse[];
  @ApiProperty({ description: 'always set: poll again with it' }) nextCursor: string;
}

export class ProvisioningOverrideResponse {
  @ApiProperty({ example: 'b.example.org' }) peerDomain: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the JSON Merge Patch (RFC 7396)' })
  patch: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProvisioningOverrideListResponse {
  @ApiProperty({ type: [ProvisioningOverrideResponse] }) items: ProvisioningOverrideResponse[];
}
