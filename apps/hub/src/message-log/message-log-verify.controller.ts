import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentPrincipal, MemberAuthGuard, type MemberPrincipal, OperatorAuthGuard } from '@app/auth';
import type { ActorContext } from '@app/common';
import { MessageLogVerification } from '@app/message-log';
import { AdminVerifyQueryDto, VerifyQueryDto } from './message-log-retention.dto.js';
import { toVerificationResponse } from './message-log-retention.responses.js';
import { ApiMemberAuth, ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { ChainVerificationResponse } from './message-log.schemas.js';

const SUMMARY =
  'Re-check a range of the hash chain (at most 100,000 positions): stored bodies against their digests, every link, and the hub signature of each retention checkpoint; reports the first broken link';

/** A member verifies its own chain (the records it originated). */
@ApiTags('message-log')
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/message-log/verify')
export class MemberMessageLogVerifyController {
  constructor(private readonly verification: MessageLogVerification) {}

  @Get()
  @ApiOperation({ summary: SUMMARY })
  @ApiOkResponse({ type: ChainVerificationResponse })
  @ApiProblems([400, 'an invalid range (at most 100,000 positions)'])
  async verify(@Query() query: VerifyQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    return toVerificationResponse(await this.verification.verify(me.domain, query));
  }
}

/** Operators verify any origin's chain; each verification is audited with its outcome. */
@ApiTags('admin: message-log')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/message-log/verify')
export class AdminMessageLogVerifyController {
  constructor(private readonly verification: MessageLogVerification) {}

  @Get()
  @ApiOperation({ summary: `${SUMMARY} (audited)` })
  @ApiOkResponse({ type: ChainVerificationResponse })
  @ApiProblems([400, 'an invalid origin or range (at most 100,000 positions)'])
  async verify(@Query() query: AdminVerifyQueryDto, @Actor() actor: ActorContext) {
    return toVerificationResponse(await this.verification.verifyAsOperator(actor, query.origin, query));
  }
}
