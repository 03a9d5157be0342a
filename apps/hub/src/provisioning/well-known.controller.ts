import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, OptionalMemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { ProvisioningFetchUsage, ProvisioningViews } from '@app/provisioning';
import { requestedFormat, sendView } from './send-view.js';
import { ApiOptionalMemberAuth } from '../common/openapi.decorators.js';
import { ApiProvisioningView } from './provisioning.openapi.js';

/**
 * (`GET /.well-known/pres-im-provisioning/{domain}`, the hot path, is a plain Fastify route: see
 * well-known-member.route.ts.)
 *
 * Provisioning retrieval at the well-known location. Anyone may ask; the answer is computed
 * for the caller (an active member's API key, or anonymous), and a member the caller may not
 * see is a 404 exactly like an unknown domain.
 */
@ApiTags('provisioning')
@ApiOptionalMemberAuth()
@UseGuards(OptionalMemberAuthGuard)
@Controller('.well-known/pres-im-provisioning')
export class WellKnownController {
  constructor(
    private readonly views: ProvisioningViews,
    private readonly usage: ProvisioningFetchUsage,
  ) {}

  @Get()
  @ApiOperation({ summary: "The hub's own document, listing the members visible to the caller" })
  @ApiProvisioningView("the hub's document (role clearing-house)")
  async hub(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal?: MemberPrincipal) {
    const format = requestedFormat(request);
    const requestor = principal?.domain ?? null;
    const view = await this.views.hubView(requestor, format);
    this.usage.fetched('http', requestor, null);
    sendView(request, reply, view, format, requestor);
  }
}
