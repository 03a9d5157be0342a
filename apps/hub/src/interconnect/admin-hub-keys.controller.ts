import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard } from '@app/auth';
import type { ActorContext } from '@app/common';
import { type HubKeyInfo, HubKeysService } from '@app/interconnect';
import { ApiOperatorAuth } from '../common/openapi.decorators.js';
import { HubKeyListResponse, HubKeyResponse } from './interconnect.schemas.js';

const toHubKeyResponse = (k: HubKeyInfo) => ({
  kid: k.kid,
  alg: k.alg,
  createdAt: k.createdAt.toISOString(),
  retiresAt: k.retiresAt?.toISOString() ?? null,
  publishedUntil: k.publishedUntil?.toISOString() ?? null,
  published: k.published,
});

/** Operators see the hub's signing keys (never private material) and rotate them (admins). */
@ApiTags('admin: interconnect')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/hub-keys')
export class AdminHubKeysController {
  constructor(private readonly keys: HubKeysService) {}

  @Get()
  @ApiOperation({ summary: "The hub's signing keys, newest first: kid, alg, createdAt, retiresAt, publishedUntil" })
  @ApiOkResponse({ type: HubKeyListResponse })
  async list() {
    return { items: (await this.keys.list()).map(toHubKeyResponse) };
  }

  @Post('rotate')
  @HttpCode(201)
  @ApiOperation({
    summary: 'A new signing key now; the previous key stops signing and stays published until its assertions expired',
  })
  @ApiCreatedResponse({ type: HubKeyResponse, description: 'the new signing key' })
  async rotate(@Actor() actor: ActorContext) {
    return toHubKeyResponse(await this.keys.rotate(actor));
  }
}
