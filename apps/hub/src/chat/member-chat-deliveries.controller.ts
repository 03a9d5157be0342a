import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { ChatDeliveries } from '@app/chat';
import { ApiMemberAuth, ApiProblems } from '../common/openapi.decorators.js';
import { AcknowledgeDto, DeliveriesQueryDto } from './chat.dto.js';
import { AcknowledgedResponse, ChatDeliveryListResponse } from './chat.schemas.js';
import { toRoomEventResponse } from './chat.responses.js';

/**
 * The events of hub-hosted rooms for the calling network's users, pulled in order and
 * acknowledged (active members with their API key; each network reads only its own).
 */
@ApiTags('chat')
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/chat/deliveries')
export class MemberChatDeliveriesController {
  constructor(private readonly deliveries: ChatDeliveries) {}

  @Get()
  @ApiOperation({
    summary: 'Room events for your users not yet acknowledged, oldest first; optionally wait for new ones',
  })
  @ApiOkResponse({ type: ChatDeliveryListResponse })
  @ApiProblems(400)
  async pull(@Query() query: DeliveriesQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    const pulled = await this.deliveries.pull(me.domain, {
      after: String(query.after),
      limit: query.limit,
      waitMs: query.wait * 1000,
    });
    return {
      items: pulled.items.map((d) => ({
        id: Number(d.id),
        roomId: d.roomId,
        roomUri: d.roomUri,
        recipients: d.recipients,
        event: toRoomEventResponse(d),
      })),
      next: Number(pulled.next),
    };
  }

  @Post('ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge every delivery up to a cursor: they are not read again' })
  @ApiBody({ type: AcknowledgeDto, examples: { ack: { summary: 'up to the last pull', value: { upTo: 42 } } } })
  @ApiOkResponse({ type: AcknowledgedResponse })
  @ApiProblems(400)
  async acknowledge(@Body() body: AcknowledgeDto, @CurrentPrincipal() me: MemberPrincipal) {
    return { acknowledged: await this.deliveries.acknowledge(me.domain, String(body.upTo)) };
  }
}
