import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { type ActorContext, MAX_INT32, PayloadTooLargeError, UnsupportedMediaTypeError } from '@app/common';
import type { ProvisioningOverrideEntity, ProvisioningVersionEntity } from '@app/db';
import { etagOf, MAX_DOCUMENT_BYTES, ProvisioningService, ProvisioningViews } from '@app/provisioning';
import { toProvisioningXml, type ProvisioningDocument } from '@app/xml';
import { XML_MEDIA_TYPES } from './xml-body-parser.js';
import { requestedFormat, sendView } from './send-view.js';
import { IntegerParamPipe, IsIntegerIn } from '../common/validation.js';

export class PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @IsIntegerIn(1, 500) limit: number = 50;
}

const toVersionResponse = (v: ProvisioningVersionEntity) => ({ seq: v.seq, ver: v.ver, published: v.publishedAt.toISOString() });
const toOverrideResponse = (o: ProvisioningOverrideEntity) => ({
  peerDomain: o.peerDomain,
  patch: o.patch,
  updatedAt: o.updatedAt.toISOString(),
});

/** A member manages its own provisioning with its API key (active members only). */
@ApiTags('provisioning')
@ApiBearerAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/provisioning')
export class ProvisioningController {
  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly views: ProvisioningViews,
  ) {}

  @Put()
  @ApiConsumes(
    'application/pres-im-provisioning+xml',
    'application/xml',
    'application/json',
    'application/pres-im-provisioning+json',
  )
  @ApiOperation({
    summary: 'Publish a new version of your document (XML or the equivalent JSON); 201 new version, 200 unchanged',
  })
  async publish(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: MemberPrincipal,
    @Actor() actor: ActorContext,
  ) {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const input = XML_MEDIA_TYPES.includes(mediaType)
      ? { format: 'xml' as const, body: request.body as Buffer }
      : mediaType === 'application/json' || mediaType === 'application/pres-im-provisioning+json'
        ? { format: 'json' as const, body: request.body }
        : null;
    if (!input)
      throw new UnsupportedMediaTypeError(`send application/pres-im-provisioning+xml or application/json, not '${mediaType}'`);
    // application/json is parsed under Fastify's general 1 MiB limit; documents get the smaller one
    if (Number(request.headers['content-length'] ?? 0) > MAX_DOCUMENT_BYTES) {
      throw new PayloadTooLargeError(`a provisioning document may not exceed ${MAX_DOCUMENT_BYTES} bytes`);
    }
    const { version, created } = await this.provisioning.publish(principal.domain, input, actor);
    void reply.status(created ? 201 : 200).header('ETag', `"${version.ver}"`);
    return { ...toVersionResponse(version), created };
  }

  @Get()
  @ApiOperation({ summary: 'Your current document as stored (XML or JSON by Accept)' })
  async current(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: MemberPrincipal) {
    const format = requestedFormat(request);
    const version = await this.provisioning.current(principal.domain);
    const doc = {
      ...(version.document as unknown as ProvisioningDocument),
      ver: version.ver,
      published: version.publishedAt.toISOString(),
    };
    const body = Buffer.from(format === 'xml' ? toProvisioningXml(doc) : JSON.stringify(doc));
    sendView(request, reply, { body, ver: version.ver, etag: etagOf(version.ver, format) }, format, principal.domain);
  }

  @Get('versions')
  @ApiOperation({ summary: 'Your published versions, newest first' })
  async versions(@Query() query: PageQueryDto, @CurrentPrincipal() principal: MemberPrincipal) {
    const page = await this.provisioning.versions(principal.domain, query.cursor, query.limit);
    return { items: page.items.map(toVersionResponse), nextCursor: page.nextCursor };
  }

  @Get('versions/:seq')
  @ApiOperation({ summary: 'One of your versions (JSON model)' })
  async version(@Param('seq', new IntegerParamPipe(1, MAX_INT32)) seq: number, @CurrentPrincipal() principal: MemberPrincipal) {
    const version = await this.provisioning.version(principal.domain, seq);
    return { ...toVersionResponse(version), document: version.document };
  }

  @Get('changes')
  @ApiOperation({ summary: 'Documents published by members you may see, after the cursor (poll with nextCursor)' })
  async changes(@Query() query: PageQueryDto, @CurrentPrincipal() principal: MemberPrincipal) {
    return this.views.changes(principal.domain, query.cursor, query.limit);
  }

  @Get('overrides')
  @ApiOperation({ summary: 'Your per-peer overrides' })
  async overrides(@CurrentPrincipal() principal: MemberPrincipal) {
    return { items: (await this.provisioning.listOverrides(principal.domain)).map(toOverrideResponse) };
  }

  @Put('overrides/:peerDomain')
  @ApiOperation({ summary: 'Set the JSON Merge Patch applied to your document when served to one peer' })
  async putOverride(
    @Param('peerDomain') peerDomain: string,
    @Body() patch: unknown,
    @CurrentPrincipal() principal: MemberPrincipal,
    @Actor() actor: ActorContext,
  ) {
    return toOverrideResponse(await this.provisioning.putOverride(principal.domain, peerDomain, patch, actor));
  }

  @Delete('overrides/:peerDomain')
  @HttpCode(204)
  async deleteOverride(
    @Param('peerDomain') peerDomain: string,
    @CurrentPrincipal() principal: MemberPrincipal,
    @Actor() actor: ActorContext,
  ) {
    await this.provisioning.deleteOverride(principal.domain, peerDomain, actor);
  }
}
