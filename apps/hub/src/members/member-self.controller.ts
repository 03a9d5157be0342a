import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { MembersService } from '@app/members';
import { toMemberResponse } from './member.response.js';

/** Endpoints a member calls with its own API key (active members only). */
@ApiTags('member')
@ApiBearerAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/members')
export class MemberSelfController {
  constructor(private readonly members: MembersService) {}

  @Get('me')
  @ApiOperation({ summary: "The calling member's registry entry" })
  async me(@CurrentPrincipal() principal: MemberPrincipal) {
    return toMemberResponse(await this.members.get(principal.domain));
  }
}
