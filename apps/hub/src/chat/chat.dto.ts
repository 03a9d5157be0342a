import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMimeType, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { MAX_MESSAGE_BYTES } from '@app/chat';
import { CHAT_HISTORY_VISIBILITIES, CHAT_ROLES, type ChatHistoryVisibility, type ChatRole } from '@app/common';
import { IsIntegerIn } from '../common/validation.js';

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

export class PostMessageDto {
  @ApiProperty({ ...USER, description: 'the joined user of your network who sends it' }) @IsString() @MaxLength(512) from: string;
  @ApiProperty({
    example: 'a1b2c3-0001',
    description: 'your id for the post: a retry with the same id gets the same answer, nothing twice',
  })
  @IsString()
  @Matches(/^[\x21-\x7e]{1,128}$/, { message: 'must be 1–128 visible ASCII characters' })
  clientId: string;
  @ApiProperty({ example: 'Hello all', description: `at most ${MAX_MESSAGE_BYTES} bytes in UTF-8` })
  @IsString()
  @MaxLength(MAX_MESSAGE_BYTES)
  body: string;
  @ApiPropertyOptional({ default: 'text/plain', example: 'text/markdown' })
  @IsOptional()
  @IsMimeType({ message: 'must be a media type such as text/plain' })
  mediaType?: string;
}

export class EventsQueryDto {
  @ApiProperty({ ...USER, description: 'the joined user of yours who reads' }) @IsString() @MaxLength(512) user: string;
  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'events after this number' })
  @IsOptional()
  @IsIntegerIn(0)
  afterSeq: number = 0;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @IsIntegerIn(1, 500) limit: number = 100;
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'the `next` cursor of your previous pull (0: from the start)' })
  @IsOptional()
  @IsIntegerIn(0)
  after: number = 0;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @IsIntegerIn(1, 500) limit: number = 100;
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 25,
    default: 0,
    description: 'seconds to wait for new deliveries when none is pending',
  })
  @IsOptional()
  @IsIntegerIn(0, 25)
  wait: number = 0;
}

export class AcknowledgeDto {
  @ApiProperty({ minimum: 1, example: 42, description: 'every delivery up to this cursor is done' }) @IsIntegerIn(1) upTo: number;
}
