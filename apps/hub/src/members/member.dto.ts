import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MEMBER_PROTOCOLS, MEMBER_STATUSES, type MemberStatus } from '@app/common';
import { IsIntegerIn, IsOmittable } from '../common/validation.js';

export class MemberContactsDto {
  @ApiPropertyOptional({ type: [String], example: ['mailto:admin@a.example.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  admin?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  security?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  noc?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  abuse?: string[];
}

export class CreateMemberDto {
  @ApiProperty({ example: 'a.example.com', description: 'the Peer Network domain (IDNA names accepted)' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  domain: string;

  @ApiProperty({ example: 'Example A Networks' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName: string;

  @ApiProperty({ enum: MEMBER_PROTOCOLS, isArray: true, example: ['sip', 'xmpp'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(MEMBER_PROTOCOLS, { each: true })
  protocols: string[];

  @ApiPropertyOptional({ type: MemberContactsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MemberContactsDto)
  contacts?: MemberContactsDto;
}

export class UpdateMemberDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ enum: MEMBER_PROTOCOLS, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(MEMBER_PROTOCOLS, { each: true })
  protocols?: string[];

  @ApiPropertyOptional({ type: MemberContactsDto })
  @IsOmittable()
  @ValidateNested()
  @Type(() => MemberContactsDto)
  contacts?: MemberContactsDto;
}

export class LifecycleActionDto {
  @ApiPropertyOptional({ example: 'abuse report #123' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class IssueKeyDto {
  @ApiPropertyOptional({ example: 'edge-proxy-2' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;
}

export class ListMembersQueryDto {
  @ApiPropertyOptional({ enum: MEMBER_STATUSES })
  @IsOptional()
  @IsIn(MEMBER_STATUSES)
  status?: MemberStatus;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @IsIntegerIn(1, 200)
  limit: number = 50;
}
