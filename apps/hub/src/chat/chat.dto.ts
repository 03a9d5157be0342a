import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { CHAT_HISTORY_VISIBILITIES, CHAT_ROLES, type ChatHistoryVisibility, type ChatRole } from '@app/common';

const USER = { example: 'xmpp:alice@a.example.com', description: 'a user URI (sip:, xmpp:, matrix:… or a Matrix id)' };

export class CreateRoomDto {
  @ApiProperty({ ...USER, description: 'the user of your network who owns the room' })
  @IsString()
  @MaxLength(512)
  owner: string;
  @ApiPropertyOptional({ example: 'Quarterly planning' }) @IsOptional() @IsString() @MaxLength(1000) subject?: string;
  @ApiPropertyOptional({ enum: CHAT_HISTORY_VISIBILITIES, default: 'shared' })
  @IsOptional()
  @IsIn(CHAT_HISTORY_VISIBILITIES)
  historyVisibility?: ChatHistoryVisibility;
}

export class RoomsQueryDto {
  @ApiPropertyOptional({ ...USER, description: 'only the rooms this user of yours is in' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  user?: string;
}

export class UserDto {
  @ApiProperty({ ...USER, description: 'the user of your network concerned' }) @IsString() @MaxLength(512) user: string;
}

export class ModeratedUserDto {
  @ApiProperty({ ...USER, description: 'the user of your network who acts (joined, with the role needed)' })
  @IsString()
  @MaxLength(512)
  by: string;
  @ApiProperty({ ...USER, example: 'sip:bob@b.example.org', description: 'the user acted on (any member network)' })
  @IsString()
  @MaxLength(512)
  user: string;
}

export class RemoveUserDto extends ModeratedUserDto {
  @ApiPropertyOptional({ example: 'off topic' }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class SetRoleDto extends ModeratedUserDto {
  @ApiProperty({ enum: CHAT_ROLES }) @IsIn(CHAT_ROLES) role: ChatRole;
}

export class SetSubjectDto {
  @ApiProperty({ ...USER, description: 'the owner or moderator of your network who sets it' })
  @IsString()
  @MaxLength(512)
  by: string;
  @ApiProperty({ type: String, nullable: true, example: 'Quarterly planning' })
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(1000)
  subject: string | null;
}
