import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

export class StatsQueryDto {
  @ApiPropertyOptional({ example: '2026-12-01', description: 'first UTC day' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ example: '2026-12-31', description: 'last UTC day' }) @IsOptional() @IsISO8601() to?: string;
}

export class AdminStatsQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({ example: 'a.example.com' }) @IsOptional() @IsString() @MaxLength(253) origin?: string;
}
