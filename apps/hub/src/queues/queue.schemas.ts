import { ApiProperty } from '@nestjs/swagger';

export class QueueJobResponse {
  @ApiProperty({ example: 'outbox-4f3c2d1e-9a8b-4c7d-8e6f-5a4b3c2d1e0f' }) id: string;
  @ApiProperty({ example: 'change-notifications' }) queue: string;
  @ApiProperty({ example: 'deliver-change-notification' }) name: string;
  @ApiProperty({
    example: 'failed',
    description:
      "the job's state in the queue backend (`failed`, `waiting`, `active`, `delayed`, `completed`, …); `missing` when the backend no longer has it (removed after its retention, or lost by Redis): its outbox row is then all there is",
  })
  state: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when its outbox row was parked (failed for good, waiting for an operator); null if it is not',
  })
  parkedAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) attemptsMade: number | null;
  @ApiProperty({ type: String, nullable: true }) failedReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: "the job's payload (ids and small values)",
  })
  payload: Record<string, unknown> | null;
}

export class QueueJobPageResponse {
  @ApiProperty({ type: [QueueJobResponse] }) items: QueueJobResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

class QueueSummary {
  @ApiProperty({ example: 'message-log' }) name: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { waiting: 0, active: 1, delayed: 0, prioritized: 0, 'waiting-children': 0, paused: 0, failed: 2, completed: 120 },
  })
  counts: Record<string, number>;
  @ApiProperty({ example: 2, description: 'outbox rows of this queue parked and waiting for an operator' }) parked: number;
}

export class QueueOverviewResponse {
  @ApiProperty({ enum: ['redis', 'postgresql'], description: "BullMQ's backend: Redis (REDIS_URL) or its PostgreSQL backend" })
  backend: string;
  @ApiProperty({ type: [QueueSummary] }) queues: QueueSummary[];
}
