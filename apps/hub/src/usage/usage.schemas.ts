import { ApiProperty } from '@nestjs/swagger';

class UsageCounts {
  @ApiProperty({ example: 1200, description: 'message-log records accepted (member: the origin whose log it is)' })
  messagesLogged: number;
  @ApiProperty({ example: 40, description: 'messages posted in hub-hosted rooms (member: the sending network)' })
  chatMessages: number;
  @ApiProperty({ example: 38, description: 'message deliveries done (member: the receiving network; pair peer: the sender)' })
  chatDeliveries: number;
  @ApiProperty({ example: 310, description: 'provisioning documents served (member: the requestor)' })
  provisioningFetches: number;
  @ApiProperty({ example: 12, description: 'hub-signed assertions issued (member: the requestor; pair peer: the audience)' })
  assertionsIssued: number;
}

export class UsageMemberRow extends UsageCounts {
  @ApiProperty({ example: '2026-12-01', description: 'the UTC day (YYYY-MM-DD) or month (YYYY-MM)' }) period: string;
  @ApiProperty({ type: String, nullable: true, example: 'a.example.com', description: 'null: anonymous provisioning fetches' })
  member: string | null;
}

export class UsagePairRow extends UsageMemberRow {
  @ApiProperty({ example: 'b.example.org', description: 'the other member of the peering pair' }) peer: string;
}

export class UsageReportResponse {
  @ApiProperty({ example: '2026-12-01' }) from: string;
  @ApiProperty({ example: '2027-01-01' }) to: string;
  @ApiProperty({ enum: ['day', 'month'] }) granularity: string;
  @ApiProperty({ type: String, nullable: true }) member: string | null;
  @ApiProperty({ type: [UsageMemberRow], description: "each member's totals per period" }) members: UsageMemberRow[];
  @ApiProperty({ type: [UsagePairRow], description: 'per peering pair and period' }) pairs: UsagePairRow[];
}
