import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { FEDERATION_MODES, PEERING_SERVICES, PIN_TYPES } from '@app/common';
import { IsIntegerIn, IsSaneDate } from '../common/validation.js';

export class DecisionQueryDto {
  @ApiProperty({ example: 'b.example.org' }) @IsString() @MaxLength(300) peer: string;
  @ApiProperty({ enum: PEERING_SERVICES }) @IsIn(PEERING_SERVICES) service: (typeof PEERING_SERVICES)[number];
}

export class AdminDecisionQueryDto extends DecisionQueryDto {
  @ApiProperty({ example: 'a.example.com' }) @IsString() @MaxLength(300) requestor: string;
}

export class OfferDto {
  @ApiProperty({ example: 'b.example.org' }) @IsString() @MaxLength(300) peer: string;
  @ApiProperty({ enum: PEERING_SERVICES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(PEERING_SERVICES, { each: true })
  services: (typeof PEERING_SERVICES)[number][];
  @ApiPropertyOptional() @IsOptional() @IsSaneDate() expiresAt?: Date;
}

export class BlockDto {
  @ApiProperty({ example: 'c.example.net' }) @IsString() @MaxLength(300) peer: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class OperatorBlockDto {
  @ApiProperty() @IsString() @MaxLength(300) a: string;
  @ApiProperty() @IsString() @MaxLength(300) b: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class ModeDto {
  @ApiProperty({ enum: FEDERATION_MODES }) @IsIn(FEDERATION_MODES) mode: (typeof FEDERATION_MODES)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class DryRunDto {
  @ApiProperty() @IsString() @MaxLength(300) requestor: string;
  @ApiProperty() @IsString() @MaxLength(300) peer: string;
  @ApiProperty({ enum: PEERING_SERVICES }) @IsIn(PEERING_SERVICES) service: (typeof PEERING_SERVICES)[number];
  @ApiPropertyOptional({ enum: FEDERATION_MODES }) @IsOptional() @IsIn(FEDERATION_MODES) mode?: (typeof FEDERATION_MODES)[number];
  @ApiPropertyOptional({ type: OperatorBlockDto }) @IsOptional() @IsObject() addOperatorBlock?: { a: string; b: string };
  @ApiPropertyOptional({ type: OperatorBlockDto }) @IsOptional() @IsObject() removeOperatorBlock?: { a: string; b: string };
}

export class CredentialDto {
  @ApiProperty({ enum: ['jwk', 'certificate-pin'] }) @IsIn(['jwk', 'certificate-pin']) kind: 'jwk' | 'certificate-pin';
  @ApiPropertyOptional({ description: 'public JWK (Ed25519 or P-256) when kind = jwk' })
  @ValidateIf((o: CredentialDto) => o.kind === 'jwk')
  @IsObject()
  jwk?: Record<string, unknown>;
  @ApiPropertyOptional({ enum: PIN_TYPES }) @IsOptional() @IsIn(PIN_TYPES) pinType?: string;
  @ApiPropertyOptional({ description: 'SHA-256 (hex or base64url) of the certificate or SPKI' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sha256?: string;
  @ApiPropertyOptional({ description: 'or the PEM certificate, from which the pin is computed' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  certificatePem?: string;
  @ApiPropertyOptional() @IsOptional() @IsSaneDate() notBefore?: Date;
  @ApiPropertyOptional() @IsOptional() @IsSaneDate() notAfter?: Date;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) label?: string;
}

export class VerifyDto {
  @ApiProperty({ example: 'a.example.com' }) @IsString() @MaxLength(300) claimedDomain: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) certificatePin?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) keyId?: string;
  @ApiProperty({ enum: PEERING_SERVICES }) @IsIn(PEERING_SERVICES) service: (typeof PEERING_SERVICES)[number];
}

export class TransparencyQueryDto {
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsIntegerIn(0) afterSeq?: number;
}
