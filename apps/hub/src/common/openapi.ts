import type { INestApplication } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { problemContent, REQUEST_BODY_EXTENSION } from './openapi.decorators.js';
import { InvalidParam, ProblemDetails } from './problem-details.schema.js';
import { logRecordComponents } from '../message-log/message-log.schemas.js';
import { wellKnownMemberPathItem } from '../provisioning/provisioning.openapi.js';
import { consolePathItems } from '../console/console.openapi.js';
import { operatorSignInPathItems } from '../operators/operator-sign-in.openapi.js';
import { queueDashboardPathItems } from '../queues/queue-dashboard.openapi.js';
import { metricsPathItems } from '../metrics/metrics.openapi.js';

export const OPENAPI_JSON_PATH = '/docs/openapi.json';

/**
 * The hub's OpenAPI document, from the controllers' decorators alone: it reads route metadata and
 * never a provider, so it can be built from an app created in preview mode (no database, no Redis;
 * see export-openapi.ts) as well as from the running hub.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Presence & IM clearing house')
    .setDescription(
      'Member registry, provisioning and interconnection for a federation of Peer Networks. ' +
        'Every error is an `application/problem+json` document (RFC 9457); its `type` URI resolves to a page ' +
        'under /problems that explains the problem.',
    )
    .setVersion('1')
    .addServer('/', 'this hub')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description:
        'operator token (hubop_…), member API key (hubmk_…) or a member-signed JWS; members may instead present a pinned TLS client certificate',
    })
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: "an applicant's claim secret (hubac_…), returned once by POST /v1/applications",
      },
      'claimSecret',
    )
    .addSecurityRequirements('bearer')
    .addGlobalResponse({
      status: 500,
      description: 'an unexpected error; `errorId` is logged by the hub',
      content: problemContent(),
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetails, InvalidParam] });
  document.paths['/.well-known/pres-im-provisioning/{domain}'] = wellKnownMemberPathItem();
  Object.assign(document.paths, queueDashboardPathItems(), operatorSignInPathItems(), consolePathItems(), metricsPathItems());
  document.components!.securitySchemes!.metricsToken = {
    type: 'http',
    scheme: 'bearer',
    description: 'the METRICS_TOKEN of the deployment, when one is configured (GET /metrics only)',
  };
  document.components!.securitySchemes!.operatorSession = {
    type: 'apiKey',
    in: 'cookie',
    name: 'hub_operator_session',
    description:
      "the operator session cookie POST /admin/sign-in sets (the web console, the queue dashboard and the admin API); a change made with it must carry the hub's own Origin",
  };
  Object.assign(document.components!.schemas!, logRecordComponents());
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (!isOperation(operation)) continue;
      const body = operation[REQUEST_BODY_EXTENSION];
      if (body) {
        operation.requestBody = body;
        delete operation[REQUEST_BODY_EXTENSION];
      }
      for (const [status, response] of Object.entries(operation.responses) as Array<[string, { description?: string }]>) {
        if (!response.description) response.description = STATUS_CODES[status] ?? status;
      }
      // ApiPublic: a lone empty requirement means "no credentials", written as the spec's `security: []`
      if (operation.security?.length === 1 && Object.keys(operation.security[0]).length === 0) operation.security = [];
    }
  }
  return document;
}

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
  requestBody?: unknown;
  [extension: string]: unknown;
}

function isOperation(value: unknown): value is Operation {
  return typeof value === 'object' && value !== null && 'responses' in value;
}

/** Serves the document at /docs/openapi.json and the Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1) });
}
