import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Actor, OperatorAuthGuard } from '@app/auth';
import type { ActorContext } from '@app/common';
import { type OperatorEntity } from '@app/db';
import { OPERATOR_ROLES } from '@app/common';
import { OperatorsService } from '@app/members';

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

const toOperatorResponse = (o: OperatorEntity) => ({
  id: o.id,
  name: o.name,
  role: o.role,
  prefix: o.tokenPrefix,
  createdBy: o.createdBy,
  createdAt: o.createdAt.toISOString(),
  disabledAt: o.disabledAt?.toISOString() ?? null,
});

@ApiTags('admin: operators')
@ApiBearerAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/operators')
export class AdminOperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  async create(@Body() body: CreateOperatorDto, @Actor() actor: ActorContext) {
    const { operator, token } = await this.operators.create(body.name, body.role, actor);
    return { ...toOperatorResponse(operator), token };
  }

  @Get()
  async list() {
    return { items: (await this.operators.list()).map(toOperatorResponse) };
  }

  @Delete(':id')
  @HttpCode(200)
  async disable(@Param('id') id: string, @Actor() actor: ActorContext) {
    return toOperatorResponse(await this.operators.disable(id, actor));
  }
}
