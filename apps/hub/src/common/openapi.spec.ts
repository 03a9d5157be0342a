import { getSchemaPath } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createOfflineOpenApiDocument } from '../openapi-offline.js';
import { buildOpenApiDocument } from './openapi.js';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { ProblemDetails } from './problem-details.schema.js';

interface MediaType {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, unknown>;
}
interface Operation {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function operationsOf(document: OpenAPIObject): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m): [string, Operation] => [`${m.toUpperCase()} ${path}`, item[m] as Operation]),
  );
}

/** Routes anyone may call without credentials. */
const PUBLIC = [
  'GET /health/live',
  'GET /health/ready',
  'POST /v1/applications',
  'GET /v1/applications/{id}',
  'GET /v1/transparency/chain',
  'GET /.well-known/jwks.json',
  'GET /problems',
  'GET /problems/{slug}',
  'GET /admin/sign-in',
  'POST /admin/sign-in',
  'POST /admin/sign-out',
];
/**
 * HTML forms for operators' browsers (POST, then redirect with 303 See Other): their answers are
 * pages and redirects, not JSON, so the JSON rules below leave them out.
 */
const BROWSER_FORMS = ['POST /admin/sign-in', 'POST /admin/sign-out'];
/** Public routes whose answer depends on the credentials sent, if any. */
const OPTIONAL_AUTH = [
  'GET /.well-known/pres-im-provisioning',
  'GET /.well-known/pres-im-provisioning/{domain}',
  'GET /v1/federation/provisioning',
  // open unless METRICS_TOKEN is configured
  'GET /metrics',
];

describe(buildOpenApiDocument.name, () => {
  let document: OpenAPIObject;
  let operations: Array<[string, Operation]>;

  beforeAll(async () => {
    document = await createOfflineOpenApiDocument();
    operations = operationsOf(document);
  });

  it('should describe the plain Fastify routes next to the controllers', () => {
    expect(operations.map(([name]) => name)).toEqual(
      expect.arrayContaining(['GET /.well-known/pres-im-provisioning/{domain}', 'GET /problems/{slug}', 'GET /health/ready']),
    );
  });

  it('should give every operation a summary', () => {
    expect(operations.filter(([, op]) => !op.summary?.trim()).map(([name]) => name)).toEqual([]);
  });

  it('should describe every response', () => {
    const missing = operations.flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([, r]) => !r.description?.trim())
        .map(([status]) => `${name} ${status}`),
    );
    expect(missing).toEqual([]);
  });

  it('should give every operation a success response with its schema', () => {
    const missing = operations
      .filter(([name]) => !BROWSER_FORMS.includes(name))
      .filter(([, op]) => {
        const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (success.length === 0) return true;
        return success.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).every((m) => m.schema));
      })
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('should answer every 4xx and 5xx with the ProblemDetails schema as application/problem+json', () => {
    const ref = getSchemaPath(ProblemDetails);
    const wrong = operations.flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]\d\d$/.test(status) && !(name === 'GET /health/ready' && status === '503'))
        .filter(([status]) => !(BROWSER_FORMS.includes(name) && status !== '500'))
        .filter(([, r]) => JSON.stringify(r.content) !== JSON.stringify({ [PROBLEM_CONTENT_TYPE]: { schema: { $ref: ref } } }))
        .map(([status]) => `${name} ${status}`),
    );
    expect(wrong).toEqual([]);
    expect(document.components?.schemas?.ProblemDetails).toMatchObject({
      properties: expect.objectContaining({ type: expect.anything(), invalidParams: expect.anything() }),
    });
  });

  it('should state the 401 and 403 of every authenticated operation', () => {
    const missing = operations
      .filter(([, op]) => op.security?.some((requirement) => 'bearer' in requirement))
      .filter(([, op]) => !op.responses['401'] || !op.responses['403'])
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('should give every request body a schema and an example for each media type', () => {
    const missing = operations.flatMap(([name, op]) =>
      Object.entries(op.requestBody?.content ?? {})
        .filter(([, media]) => !media.schema || (media.example === undefined && !media.examples))
        .map(([type]) => `${name} ${type}`),
    );
    expect(missing).toEqual([]);
  });

  it('should mark as nullable the operator token prefix, which the bootstrap operator is listed without', () => {
    expect(document.components?.schemas?.OperatorResponse).toMatchObject({
      properties: { prefix: { type: 'string', nullable: true } },
    });
  });

  it('should take provisioning documents in XML and JSON and message-log batches in JSON and JSON Lines', () => {
    const body = (name: string) => operations.find(([n]) => n === name)?.[1].requestBody?.content ?? {};
    expect(Object.keys(body('PUT /v1/provisioning'))).toEqual(
      expect.arrayContaining([
        'application/pres-im-provisioning+xml',
        'application/json',
        'application/pres-im-provisioning+json',
      ]),
    );
    expect(body('PUT /v1/provisioning')['application/pres-im-provisioning+xml'].example).toMatch(/^<\?xml/);
    expect(Object.keys(body('POST /v1/message-log'))).toEqual(expect.arrayContaining(['application/json', 'application/jsonl']));
    expect(body('POST /v1/message-log')['application/jsonl'].example).toMatch(/^\{.*\}\n\{.*\}\n$/);
  });

  it('should declare security on every operation: [] exactly on the public ones', () => {
    expect(operations.filter(([, op]) => op.security === undefined).map(([name]) => name)).toEqual([]);
    const open = operations.filter(([, op]) => op.security?.length === 0).map(([name]) => name);
    expect(open.sort()).toEqual([...PUBLIC].sort());
    const optional = operations.filter(([, op]) => op.security?.some((r) => Object.keys(r).length === 0)).map(([name]) => name);
    expect(optional.sort()).toEqual([...OPTIONAL_AUTH].sort());
  });
});
