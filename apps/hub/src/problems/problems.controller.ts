import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiProperty,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '@app/common';
import { ApiProblems, ApiPublic } from '../common/openapi.decorators.js';
import { PROBLEM_TYPES } from '../common/problem-types.js';
import { problemIndexHtml, problemTypeHtml } from './problem-page.js';

export class ProblemTypeResponse {
  @ApiProperty({ example: 'invalid-input' }) slug: string;
  @ApiProperty({ example: 'Invalid input' }) title: string;
  @ApiProperty({ type: 'integer', example: 400 }) status: number;
  @ApiProperty() description: string;
}

export class ProblemTypeListResponse {
  @ApiProperty({ type: [ProblemTypeResponse] }) items: ProblemTypeResponse[];
}

/** JSON when the caller prefers it to HTML (a script), HTML otherwise (a person following the link). */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /json/i.test(accept) && !/text\/html/i.test(accept);
}

/** The pages change only with a new release of the hub. */
function sendPage(request: FastifyRequest, reply: FastifyReply, json: object, html: () => string): void {
  void reply.header('Cache-Control', 'public, max-age=86400').header('Vary', 'Accept');
  if (wantsJson(request)) void reply.type('application/json; charset=utf-8').send(json);
  else void reply.type('text/html; charset=utf-8').send(html());
}

const pageContent = (json: object) => ({
  'text/html': { schema: { type: 'string' } },
  'application/json': { schema: json },
});

/**
 * The pages behind problem `type` URIs: every problem document the hub sends names one of these,
 * so a client (or a person) can look up what the problem means.
 */
@ApiTags('problems')
@ApiPublic()
@ApiExtraModels(ProblemTypeResponse, ProblemTypeListResponse)
@Controller('problems')
export class ProblemsController {
  @Get()
  @ApiOperation({ summary: 'Every problem type the hub uses, with links to their pages' })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({
    description: 'the list (HTML, or JSON by Accept)',
    content: pageContent({ $ref: getSchemaPath(ProblemTypeListResponse) }),
  })
  index(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const types = [...PROBLEM_TYPES.values()];
    sendPage(request, reply, { items: types }, () => problemIndexHtml(types));
  }

  @Get(':slug')
  @ApiOperation({ summary: 'What a problem type means: the page its `type` URI names' })
  @ApiParam({ name: 'slug', example: 'invalid-input' })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({
    description: 'the explanation (HTML, or JSON by Accept)',
    content: pageContent({ $ref: getSchemaPath(ProblemTypeResponse) }),
  })
  @ApiProblems([404, 'no problem type with this slug'])
  page(@Param('slug') slug: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const type = PROBLEM_TYPES.get(slug);
    if (!type) throw new NotFoundError(`no problem type ${slug}`);
    sendPage(request, reply, type, () => problemTypeHtml(type));
  }
}
