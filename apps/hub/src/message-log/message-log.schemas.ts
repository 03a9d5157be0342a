import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { LEGAL_HOLD_SCOPES } from '@app/common';
import { messageRecordSchema } from '@app/message-log';
import { JSON_LINES_MEDIA_TYPES } from './message-log-body.js';

/** OpenAPI schemas of the message-log requests and responses. */

/** Two records of one batch: the examples of `POST /v1/message-log` (JSON and JSON Lines). */
export const EXAMPLE_LOG_RECORDS = [
  {
    messageId: 'msg-20261207-0001',
    origin: 'a.example.com',
    sender: 'sip:alice@a.example.com',
    recipients: ['sip:bob@b.example.org'],
    timestamp: '2026-12-07T09:30:00.000Z',
    direction: 'outbound',
    contentType: 'text/plain',
    body: 'hello Bob',
  },
  {
    messageId: 'msg-20261207-0002',
    origin: 'a.example.com',
    sender: 'sip:alice@a.example.com',
    recipients: ['sip:bob@b.example.org'],
    timestamp: '2026-12-07T09:30:05.000Z',
    direction: 'outbound',
    contentType: 'text/plain',
    body: 'are you there?',
  },
];

const LOG_RECORD_REF = '#/components/schemas/LogRecord';

/**
 * The OpenAPI components of one submitted record and of a batch object, derived from the schema
 * the ingest validates records with (so the contract cannot drift from the checks).
 */
export function logRecordComponents(): Record<'LogRecord' | 'LogBatch', object> {
  const record = z.toJSONSchema(messageRecordSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
  return {
    LogRecord: {
      ...record,
      description: 'one record: exactly one of body (at most 64 KiB) and bodySha256, and at least one recipient or a room',
      example: EXAMPLE_LOG_RECORDS[0],
    },
    LogBatch: {
      type: 'object',
      required: ['records'],
      properties: { records: { type: 'array', items: { $ref: LOG_RECORD_REF }, minItems: 1, maxItems: 1000 } },
    },
  };
}

/**
 * The request body of `POST /v1/message-log` per media type (openapi.ts registers the two schema
 * components it refers to, from logRecordComponents).
 */
export const INGEST_REQUEST_CONTENT = {
  'application/json': {
    schema: {
      oneOf: [
        { type: 'array', items: { $ref: LOG_RECORD_REF }, minItems: 1, maxItems: 1000 },
        { $ref: '#/components/schemas/LogBatch' },
      ],
    },
    examples: {
      array: { summary: 'a JSON array of records', value: EXAMPLE_LOG_RECORDS },
      object: { summary: 'an object with the records', value: { records: EXAMPLE_LOG_RECORDS } },
    },
  },
  ...Object.fromEntries(
    JSON_LINES_MEDIA_TYPES.map((type) => [
      type,
      {
        schema: { type: 'string', description: 'one JSON record per line; a bad line rejects that record only' },
        example: EXAMPLE_LOG_RECORDS.map((r) => `${JSON.stringify(r)}\n`).join(''),
      },
    ]),
  ),
};

export class LoggedRecordRefResponse {
  @ApiProperty({ type: 'integer', description: "the record's position in the batch" }) index: number;
  @ApiProperty() messageId: string;
  @ApiProperty({ type: 'integer', description: "the record's position in the origin's chain" }) seq: number;
}

export class RejectedRecordResponse {
  @ApiProperty({ type: 'integer' }) index: number;
  @ApiProperty({ type: String, nullable: true }) messageId: string | null;
  @ApiProperty({
    enum: [
      'invalid',
      'origin-not-caller',
      'timestamp-out-of-window',
      'participant-not-member',
      'origin-not-party',
      'not-allowed',
    ],
  })
  reason: string;
  @ApiPropertyOptional({ example: 'recipients[2]', description: 'the offending field' }) field?: string;
  @ApiProperty() detail: string;
}

class IngestCounts {
  @ApiProperty({ type: 'integer' }) accepted: number;
  @ApiProperty({ type: 'integer' }) duplicates: number;
  @ApiProperty({ type: 'integer' }) rejected: number;
}

export class IngestResponse {
  @ApiProperty({ type: String, nullable: true, description: 'null when the batch added no record' }) batchId: string | null;
  @ApiProperty({ example: 'a.example.com' }) origin: string;
  @ApiProperty({ type: [LoggedRecordRefResponse] }) accepted: LoggedRecordRefResponse[];
  @ApiProperty({ type: [LoggedRecordRefResponse] }) duplicates: LoggedRecordRefResponse[];
  @ApiProperty({ type: [RejectedRecordResponse] }) rejected: RejectedRecordResponse[];
  @ApiProperty({ type: IngestCounts }) counts: IngestCounts;
}

export class DailyStatResponse {
  @ApiProperty({ example: 'a.example.com' }) origin: string;
  @ApiProperty({ format: 'date', example: '2026-12-07' }) day: string;
  @ApiProperty({ type: 'integer' }) records: number;
  @ApiProperty({ type: 'integer' }) bodyBytes: number;
  @ApiProperty({ type: 'integer' }) batches: number;
}

export class DailyStatListResponse {
  @ApiProperty({ type: [DailyStatResponse] }) items: DailyStatResponse[];
}

export class LoggedRecordResponse {
  @ApiProperty({ format: 'date-time' }) ts: string;
  @ApiProperty() origin: string;
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty() messageId: string;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction: string;
  @ApiProperty() sender: string;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty({ type: String, nullable: true }) room: string | null;
  @ApiProperty() contentType: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once retention removed it' }) body: string | null;
  @ApiProperty() bodySha256: string;
  @ApiProperty() prevHash: string;
  @ApiProperty() chainHash: string;
  @ApiProperty() batchId: string;
  @ApiProperty({ format: 'date-time' }) loggedAt: string;
}

export class LoggedRecordPageResponse {
  @ApiProperty({ type: [LoggedRecordResponse] }) items: LoggedRecordResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

class SeqRange {
  @ApiProperty({ type: 'integer' }) from: number;
  @ApiProperty({ type: 'integer' }) to: number;
}

class ChainHead {
  @ApiProperty({ type: 'integer' }) seq: number;
}

class ChainBreak {
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty({ type: String, nullable: true }) messageId: string | null;
  @ApiProperty({ example: 'hash-mismatch' }) reason: string;
  @ApiProperty() detail: string;
}

export class ChainVerificationResponse {
  @ApiProperty({ example: 'a.example.com' }) origin: string;
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'integer' }) checkedRecords: number;
  @ApiProperty({ type: 'integer' }) checkedCheckpoints: number;
  @ApiProperty({ type: 'integer', nullable: true }) firstSeq: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) lastSeq: number | null;
  @ApiProperty({ type: SeqRange, nullable: true }) range: SeqRange | null;
  @ApiProperty({ type: ChainHead, nullable: true }) head: ChainHead | null;
  @ApiPropertyOptional({ type: ChainBreak, description: 'the first broken link (when not ok)' }) brokenAt?: ChainBreak;
}

class RetentionOverride {
  @ApiProperty({ example: 'a.example.com' }) memberDomain: string;
  @ApiProperty({ type: 'integer' }) days: number;
  @ApiProperty({ type: String, nullable: true }) updatedBy: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RetentionSettingsResponse {
  @ApiProperty({ type: 'integer', example: 365 }) defaultDays: number;
  @ApiProperty({ type: [RetentionOverride] }) overrides: RetentionOverride[];
}

export class MemberRetentionResponse {
  @ApiProperty({ example: 'a.example.com' }) memberDomain: string;
  @ApiProperty({ type: 'integer', example: 30 }) days: number;
}

export class LegalHoldResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: LEGAL_HOLD_SCOPES }) scope: string;
  @ApiProperty({ example: 'sip:alice@a.example.com' }) value: string;
  @ApiProperty() reason: string;
  @ApiProperty() createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) releasedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) releasedBy: string | null;
}

export class LegalHoldListResponse {
  @ApiProperty({ type: [LegalHoldResponse] }) items: LegalHoldResponse[];
}
