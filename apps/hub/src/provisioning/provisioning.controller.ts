import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { type ActorContext, MAX_INT32, PayloadTooLargeError, UnsupportedMediaTypeError } from '@app/common';
import type { ProvisioningOverrideEntity, ProvisioningVersionEntity } from '@app/db';
import { etagOf, MAX_DOCUMENT_BYTES, ProvisioningService, ProvisioningViews } from '@app/provisioning';
import { toProvisioningXml, type ProvisioningDocument } from '@app/xml';
import { XML_MEDIA_TYPES } from './xml-body-parser.js';
import { requestedFormat, sendView } from './send-view.js';
import { ApiMemberAuth, ApiProblems, ApiRequestBody } from '../common/openapi.decorators.js';
import { ApiProvisioningView, PUBLISH_REQUEST_CONTENT } from './provisioning.openapi.js';
import {
  ProvisioningChangesResponse,
  ProvisioningOverrideListResponse,
  ProvisioningOverrideResponse,
  ProvisioningVersionDetailResponse,
  ProvisioningVersionPageResponse,
  PublishResponse,
} from './provisioning.schemas.js';
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
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/provisioning')
export class ProvisioningController {
  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly views: ProvisioningViews,
  ) {}

  @Put()
  @ApiOperation({
    summary: 'Publish a new version of your document (XML or the equivalent JSON); 201 new version, 200 unchanged',
  })
  @ApiRequestBody(PUBLISH_REQUEST_CONTENT, 'the document, in XML or in its JSON form')
  @ApiCreatedResponse({ type: PublishResponse, description: 'a new version was stored (ETag: its ver)' })
  @ApiOkResponse({ type: PublishResponse, description: 'the document equals the current version; nothing was stored' })
  @ApiProblems(
    [400, 'not well formed, not valid against the schema, or not publishable (`invalidParams` names each JSON pointer)'],
    [413, 'larger than the document limit'],
    [415, 'neither XML nor JSON'],
  )
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
  @ApiProvisioningView('your current document')
  @ApiProblems([404, 'you have not published a document yet'])
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
  @ApiOkResponse({ type: ProvisioningVersionPageResponse })
  @ApiProblems(400)
  async versions(@Query() query: PageQueryDto, @CurrentPrincipal() principal: MemberPrincipal) {
    const page = await this.provisioning.versions(principal.domain, query.cursor, query.limit);
    return { items: page.items.map(toVersionResponse), nextCursor: page.nextCursor };
  }

  @Get('versions/:seq')
  @ApiOperation({ summary: 'One of your versions (JSON model)' })
  @ApiOkResponse({ type: ProvisioningVersionDetailResponse })
  @ApiProblems([400, 'seq is not an integer'], [404, 'no such version of yours'])
  async version(@Param('seq', new IntegerParamPipe(1, MAX_INT32)) seq: number, @CurrentPrincipal() principal: MemberPrincipal) {
    const version = await this.provisioning.version(principal.domain, seq);
    return { ...toVersionResponse(version), document: version.document };
  }

  @Get('changes')
  @ApiOperation({ summary: 'Documents published by members you may see, after the cursor (poll with nextCursor)' })
  @ApiOkResponse({ type: ProvisioningChangesResponse })
  @ApiProblems([400, 'the cursor is not one this API returned'])
  async changes(@Query() query: PageQueryDto, @CurrentPrincipal() principal: MemberPrincipal) {
    return this.views.changes(principal.domain, query.cursor, query.limit);
  }

  @Get('overrides')
  @ApiOperation({ summary: 'Your per-peer overrides' })
  @ApiOkResponse({ type: ProvisioningOverrideListResponse })
  async overrides(@CurrentPrincipal() principal: MemberPrincipal) {
    return { items: (await this.provisioning.listOverrides(principal.domain)).map(toOverrideResponse) };
  }

  @Put('overrides/:peerDomain')
  @ApiOperation({ summary: 'Set the JSON Merge Patch applied to your document when served to one peer' })
  @ApiBody({
    schema: { type: 'object', additionalProperties: true, description: 'a JSON Merge Patch (RFC 7396) of your document' },
    examples: {
      edge: {
        summary: 'another edge proxy for this peer',
        value: { connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'edge-b.a.example.com' }] } } },
      },
    },
  })
  @ApiOkResponse({ type: ProvisioningOverrideResponse })
  @ApiProblems(
    [400, 'not a JSON object, or the patched document would not be valid'],
    [409, 'no document published yet, or your own domain'],
  )
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
  @ApiOperation({ summary: 'Remove your override for one peer' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiProblems(400, [404, 'no override for this peer'])
  async deleteOverride(
    @Param('peerDomain') peerDomain: string,
    @CurrentPrincipal() principal: MemberPrincipal,
    @Actor() actor: ActorContext,
  ) {
    await this.provisioning.deleteOverride(principal.domain, peerDomain, actor);
  }
}
