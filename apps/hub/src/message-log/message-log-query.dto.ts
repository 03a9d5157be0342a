import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT } from '@app/message-log';
import { IsIntegerIn, IsSaneDate } from '../common/validation.js';

/** Filters shared by search and export; URIs and domains are normalised by the service as at ingest. */
export class MessageLogFiltersDto {
  @ApiPropertyOptional({ description: 'sender or recipient URI', example: 'sip:alice@a.example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  participant?: string;

  @ApiPropertyOptional({ description: 'room URI', example: 'xmpp:room@conference.a.example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  room?: string;

  @ApiPropertyOptional({ description: 'a member network involved (origin, sender, recipient or room)', example: 'b.example.org' })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  member?: string;

  @ApiPropertyOptional({ description: 'the member that logged the record', example: 'a.example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  origin?: string;

  @ApiPropertyOptional({ description: 'message id (unique per origin; combine with origin for one record)' })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,256}$/, { message: 'messageId must be 1–256 visible ASCII characters' })
  messageId?: string;
}

export class MessageLogSearchQueryDto extends MessageLogFiltersDto {
  @ApiPropertyOptional({ description: 'records at or after (ISO 8601)' })
  @IsOptional()
  @IsSaneDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'records before (ISO 8601, exclusive)' })
  @IsOptional()
  @IsSaneDate()
  to?: Date;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;

  @ApiPropertyOptional({ default: DEFAULT_SEARCH_LIMIT, maximum: MAX_SEARCH_LIMIT })
  @IsOptional()
  @IsIntegerIn(1, MAX_SEARCH_LIMIT)
  limit: number = DEFAULT_SEARCH_LIMIT;
}

export const EXPORT_FORMATS = ['jsonl', 'xml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class MessageLogExportQueryDto extends MessageLogFiltersDto {
  @ApiProperty({ description: 'records at or after (ISO 8601)' })
  @IsSaneDate()
  from!: Date;

  @ApiProperty({ description: 'records before (ISO 8601, exclusive; at most 31 days after from)' })
  @IsSaneDate()
  to!: Date;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: 'default: from the Accept header, else jsonl' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
