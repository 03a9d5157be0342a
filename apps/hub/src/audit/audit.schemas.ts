import { ApiProperty } from '@nestjs/swagger';

class AuditParty {
  @ApiProperty({ example: 'operator' }) type: string;
  @ApiProperty({ example: 'a.example.com' }) id: string;
}

export class AuditEntryResponse {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: AuditParty }) actor: AuditParty;
  @ApiProperty({ example: 'member.suspend' }) action: string;
  @ApiProperty({ type: AuditParty }) target: AuditParty;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'action-specific details' })
  details: Record<string, unknown>;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) items: AuditEntryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
