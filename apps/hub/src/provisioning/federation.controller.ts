import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { CurrentPrincipal, OptionalMemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { ProvisioningFetchUsage, ProvisioningViews } from '@app/provisioning';
import { contentTypeOf } from './content-negotiation.js';
import { ApiOptionalMemberAuth, ApiProblems } from '../common/openapi.decorators.js';
import { ApiProvisioningView } from './provisioning.openapi.js';
import { parseSince, requestedFormat } from './send-view.js';

/** The whole federation in one document, streamed member by member. */
@ApiTags('provisioning')
@ApiOptionalMemberAuth()
@UseGuards(OptionalMemberAuthGuard)
@Controller('v1/federation/provisioning')
export class FederationController {
  constructor(
    private readonly views: ProvisioningViews,
    private readonly usage: ProvisioningFetchUsage,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every member visible to the caller with its document; ?since= for changes only' })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 timestamp' })
  @ApiProvisioningView('the federation document, streamed', { conditional: false })
  @ApiProblems([400, 'since is not an ISO 8601 timestamp'])
  aggregated(
    @Query('since') since: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal?: MemberPrincipal,
  ): void {
    const format = requestedFormat(request);
    const stream = this.views.federationStream(principal?.domain ?? null, format, {
      embedDocuments: true,
      since: parseSince(since),
    });
    this.usage.fetched('federation', principal?.domain ?? null, null);
    void reply
      .header('Vary', 'Accept, Authorization')
      .header('Cache-Control', principal ? 'private, no-cache' : 'public, max-age=60')
      .type(contentTypeOf(format))
      .send(Readable.from(stream));
  }
}
