import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard } from '@app/auth';
import { ChatDestinations } from '@app/chat';
import type { ActorContext } from '@app/common';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { ChatDestinationListResponse, DiscardedDeliveriesResponse } from './chat.schemas.js';
import { toChatDestinationResponse } from './chat.responses.js';

const NOT_PARKED: [number, string] = [409, 'the gateway’s deliveries are not parked'];
const NEVER_PUSHED: [number, string] = [404, 'nothing was ever pushed to this network'];

/**
 * Chat delivery per member network for operators: what is pending, how pushes to each gateway
 * fare, and the parked ones, which admins retry or discard (audited); auditors read.
 */
@ApiTags('admin: chat')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/chat/destinations')
export class AdminChatDestinationsController {
  constructor(private readonly destinations: ChatDestinations) {}

  @Get()
  @ApiOperation({ summary: 'Every member network with chat deliveries pending or pushed: pending count, failures, parking' })
  @ApiOkResponse({ type: ChatDestinationListResponse })
  async list() {
    return { items: (await this.destinations.list()).map(toChatDestinationResponse) };
  }

  @Post(':network/retry')
  @HttpCode(204)
  @ApiOperation({ summary: 'Push a parked gateway’s deliveries again, in order, with a fresh retry budget (audited)' })
  @ApiNoContentResponse({ description: 'unparked; the worker starts at once' })
  @ApiProblems(400, NEVER_PUSHED, NOT_PARKED)
  async retry(@Param('network') network: string, @Actor() actor: ActorContext) {
    await this.destinations.retry(network, actor);
  }

  @Post(':network/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give up every delivery pending for a parked gateway, and unpark it for what comes next (audited)' })
  @ApiOkResponse({ type: DiscardedDeliveriesResponse })
  @ApiProblems(400, NEVER_PUSHED, NOT_PARKED)
  async discard(@Param('network') network: string, @Actor() actor: ActorContext) {
    return { discarded: await this.destinations.discard(network, actor) };
  }
}
