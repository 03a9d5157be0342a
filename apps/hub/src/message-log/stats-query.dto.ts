import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsSaneDateText } from '../common/validation.js';

export class StatsQueryDto {
  @ApiPropertyOptional({ example: '2026-12-01', description: 'first UTC day' }) @IsOptional() @IsSaneDateText() from?: string;
  @ApiPropertyOptional({ example: '2026-12-31', description: 'last UTC day' }) @IsOptional() @IsSaneDateText() to?: string;
}

export class AdminStatsQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({ example: 'a.example.com' }) @IsOptional() @IsString() @MaxLength(253) origin?: string;
}
