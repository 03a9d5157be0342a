import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { TransparencyLog } from '@app/interconnect';
import { TransparencyQueryDto } from './interconnect.dto.js';
import { toTransparencyResponse } from './interconnect.responses.js';
import { ApiMemberAuth, ApiProblems, ApiPublic } from '../common/openapi.decorators.js';
import { ChainLinkListResponse, TransparencyListResponse } from './interconnect.schemas.js';

/**
 * The transparency log for everyone: the chain of hashes is public (anyone can check its links
 * end to end), the entries' contents go to the members they concern (who can check each entry's
 * hash against the chain).
 */
@ApiTags('transparency')
@Controller('v1/transparency')
export class TransparencyController {
  constructor(private readonly transparency: TransparencyLog) {}

  @Get('chain')
  @ApiOperation({ summary: 'Public: seq, prevHash and hash of every entry, 500 per page' })
  @ApiPublic()
  @ApiOkResponse({ type: ChainLinkListResponse })
  @ApiProblems(400)
  async chain(@Query() query: TransparencyQueryDto) {
    const items = await this.transparency.list({ afterSeq: query.afterSeq?.toString(), limit: 500 });
    return { items: items.map((t) => ({ seq: Number(t.seq), prevHash: t.prevHash, hash: t.hash })) };
  }

  @Get('entries')
  @ApiMemberAuth()
  @UseGuards(MemberAuthGuard)
  @ApiOperation({ summary: 'The entries that concern the calling member, with their contents' })
  @ApiOkResponse({ type: TransparencyListResponse })
  @ApiProblems(400)
  async entries(@Query() query: TransparencyQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    const items = await this.transparency.readableBy(me.domain, { afterSeq: query.afterSeq?.toString(), limit: 500 });
    return { items: items.map(toTransparencyResponse) };
  }
}
