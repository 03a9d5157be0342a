import { ApiProperty } from '@nestjs/swagger';
import { OPERATOR_ROLES } from '@app/common';

export class OperatorResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'alice' }) name: string;
  @ApiProperty({ enum: OPERATOR_ROLES }) role: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'hubop_7f2a',
    description: 'the visible start of the token; null for the bootstrap operator, whose token the deployment chose',
  })
  prefix: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the operator that created it' }) createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt: string | null;
}

export class CreatedOperatorResponse extends OperatorResponse {
  @ApiProperty({ description: 'the operator token (hubop_…): shown only now' }) token: string;
}

export class OperatorListResponse {
  @ApiProperty({ type: [OperatorResponse] }) items: OperatorResponse[];
}

export class SignedInOperatorResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'alice' }) name: string;
  @ApiProperty({ enum: OPERATOR_ROLES }) role: string;
}
