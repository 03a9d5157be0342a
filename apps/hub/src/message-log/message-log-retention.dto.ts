import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { LEGAL_HOLD_SCOPES, type LegalHoldScope } from '@app/common';
import { MAX_RETENTION_DAYS, MAX_VERIFY_RANGE } from '@app/message-log';
import { IsIntegerIn } from '../common/validation.js';

export class RetentionDto {
  @ApiProperty({ minimum: 1, maximum: MAX_RETENTION_DAYS, example: 30 })
  @IsIntegerIn(1, MAX_RETENTION_DAYS)
  days: number;
}

export class LegalHoldDto {
  @ApiProperty({ enum: LEGAL_HOLD_SCOPES }) @IsIn(LEGAL_HOLD_SCOPES) scope: LegalHoldScope;
  @ApiProperty({ description: 'member domain, participant URI or room URI', example: 'sip:alice@a.example.com' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  value: string;
  @ApiProperty({ example: 'case 2026-117' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class ReleaseHoldDto {
  @ApiProperty({ example: 'case closed' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class HoldsQueryDto {
  @ApiPropertyOptional({ description: 'only holds not released' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 }) @IsOptional() @IsIntegerIn(1) from?: number;
  @ApiPropertyOptional({ minimum: 1, description: `default: the head, at most ${MAX_VERIFY_RANGE} positions after from` })
  @IsOptional()
  @IsIntegerIn(1)
  to?: number;
}

export class AdminVerifyQueryDto extends VerifyQueryDto {
  @ApiProperty({ example: 'a.example.com' }) @IsString() @MaxLength(300) origin: string;
}
