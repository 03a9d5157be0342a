import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Actor, CurrentPrincipal, OperatorAuthGuard, type OperatorPrincipal } from '@app/auth';
import type { ActorContext } from '@app/common';
import { type OperatorEntity } from '@app/db';
import { OPERATOR_ROLES } from '@app/common';
import { OperatorsService } from '@app/members';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { CreatedOperatorResponse, OperatorListResponse, OperatorResponse, SignedInOperatorResponse } from './operator.schemas.js';

export class CreateOperatorDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9][a-z0-9._-]*$/, { message: 'name must be lower-case letters, digits, dot, dash or underscore' })
  name: string;

  @ApiProperty({ enum: OPERATOR_ROLES })
  @IsIn(OPERATOR_ROLES)
  role: string;
}

const toOperatorResponse = (o: OperatorEntity): OperatorResponse => ({
  id: o.id,
  name: o.name,
  role: o.role,
  // null for the bootstrap operator, whose token comes from the deployment (no part of it is shown)
  prefix: o.tokenPrefix || null,
  createdBy: o.createdBy,
  createdAt: o.createdAt.toISOString(),
  disabledAt: o.disabledAt?.toISOString() ?? null,
});

@ApiTags('admin: operators')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/operators')
export class AdminOperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an operator (admins); its token is shown once' })
  @ApiBody({
    type: CreateOperatorDto,
    examples: { auditor: { summary: 'a read-only auditor', value: { name: 'alice', role: 'auditor' } } },
  })
  @ApiCreatedResponse({ type: CreatedOperatorResponse })
  @ApiProblems(400, [409, 'an operator with this name exists'])
  async create(@Body() body: CreateOperatorDto, @Actor() actor: ActorContext) {
    const { operator, token } = await this.operators.create(body.name, body.role, actor);
    return { ...toOperatorResponse(operator), token };
  }

  @Get()
  @ApiOperation({ summary: 'Every operator (never a token)' })
  @ApiOkResponse({ type: OperatorListResponse })
  async list() {
    return { items: (await this.operators.list()).map(toOperatorResponse) };
  }

  @Get('me')
  @ApiOperation({
    summary: 'The operator making the call: its id, name and role (the web console shows it, and offers changes to admins only)',
  })
  @ApiOkResponse({ type: SignedInOperatorResponse })
  me(@CurrentPrincipal() operator: OperatorPrincipal): SignedInOperatorResponse {
    return { id: operator.operatorId, name: operator.name, role: operator.role };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an operator; its token stops working at once (admins)' })
  @ApiOkResponse({ type: OperatorResponse })
  @ApiProblems(400, 404, [409, 'already disabled, or the caller itself'])
  async disable(@Param('id') id: string, @Actor() actor: ActorContext) {
    return toOperatorResponse(await this.operators.disable(id, actor));
  }
}
