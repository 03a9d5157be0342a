import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** One offending field of a request (RFC 9457 §3.2 extension member). */
export class InvalidParam {
  @ApiProperty({ example: 'displayName', description: 'the field, as a dotted path for nested ones (`records[3].body`)' })
  name: string;

  @ApiProperty({ example: 'must be at most 200 characters' })
  reason: string;
}

/**
 * The body of every 4xx and 5xx answer (`application/problem+json`, RFC 9457): the OpenAPI
 * component `ProblemDetails` that each route's error responses refer to.
 */
@ApiSchema({
  description:
    'RFC 9457 problem details. Some problems add extension members: a 409 may name the current state (currentStatus), ' +
    "a 422 on POST /v1/message-log carries the batch's per-record result (batchId, accepted, duplicates, rejected, counts).",
})
export class ProblemDetails {
  @ApiProperty({
    format: 'uri-reference',
    example: '/problems/invalid-input',
    description: 'identifies the problem type; GET it for a page that explains the problem',
  })
  type: string;

  @ApiProperty({ example: 'Bad Request', description: 'the HTTP reason phrase of the status' })
  title: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  status: number;

  @ApiPropertyOptional({ example: 'displayName: must be at most 200 characters', description: 'what went wrong, in words' })
  detail?: string;

  @ApiPropertyOptional({ format: 'uri-reference', example: '/admin/v1/members', description: 'the request path' })
  instance?: string;

  @ApiPropertyOptional({ example: '6f1c1d7e-3b0a-4f43-9b6b-0f1d3c2a9e51', description: 'the X-Request-Id of the request' })
  requestId?: string;

  @ApiPropertyOptional({ type: [InvalidParam], description: 'every offending field (400 only)' })
  invalidParams?: InvalidParam[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: '500 only: the id under which the hub logged the error (quote it to the operators)',
  })
  errorId?: string;
}
