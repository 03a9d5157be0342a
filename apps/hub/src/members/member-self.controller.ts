import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { MembersService } from '@app/members';
import { ApiMemberAuth } from '../common/openapi.decorators.js';
import { toMemberResponse } from './member.response.js';
import { MemberResponse } from './member.schemas.js';

/** Endpoints a member calls with its own API key (active members only). */
@ApiTags('member')
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/members')
export class MemberSelfController {
  constructor(private readonly members: MembersService) {}

  @Get('me')
  @ApiOperation({ summary: "The calling member's registry entry" })
  @ApiOkResponse({ type: MemberResponse })
  async me(@CurrentPrincipal() principal: MemberPrincipal) {
    return toMemberResponse(await this.members.get(principal.domain));
  }
}
