import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class HealthChecks {
  @ApiProperty({ enum: ['ok', 'down'] }) database: string;
  @ApiProperty({ enum: ['ok', 'down'] }) queue: string;
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded', 'unavailable', 'draining'] }) status: string;
  @ApiPropertyOptional({ type: HealthChecks, description: 'readiness only: each dependency' }) checks?: HealthChecks;
}
