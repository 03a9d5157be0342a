import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { PathItemObject } from '@nestjs/swagger';
import {
  PROVISIONING_JSON_MEDIA_TYPE,
  PROVISIONING_XML_MEDIA_TYPE,
  type ProvisioningDocument,
  toProvisioningXml,
} from '@app/xml';
import { ApiProblem, problemContent } from '../common/openapi.decorators.js';

/**
 * A small publishable clearing-house-member document (the JSON model). Its XML form below is
 * derived from it, so the two examples are the same document (publishing one after the other
 * answers 200 "unchanged").
 */
export const EXAMPLE_MEMBER_DOCUMENT = {
  version: '1.0',
  role: 'clearing-house-member',
  domain: 'a.example.com',
  contact: [{ type: 'admin', value: 'mailto:federation@a.example.com' }],
  connectivity: {
    dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'edge.a.example.com' }] },
  },
  clearingHouseMembership: [
    {
      clearingHouse: 'clearing-house.localhost',
      listed: true,
      peerNetworkPrivacy: { visibleToAll: true },
      delegatedServices: { service: [{ type: 'logging' }] },
    },
  ],
} as unknown as ProvisioningDocument;

export const EXAMPLE_MEMBER_DOCUMENT_XML = toProvisioningXml(EXAMPLE_MEMBER_DOCUMENT);

const xmlSchema = { type: 'string', description: 'the document in the pres-im-provisioning XML vocabulary (see the XSD)' };
const jsonSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'the same document in its JSON form (docs/provisioning.md, "JSON form")',
};

/** The request body of `PUT /v1/provisioning`: every media type the route's body parsers accept. */
export const PUBLISH_REQUEST_CONTENT = {
  [PROVISIONING_XML_MEDIA_TYPE]: { schema: xmlSchema, example: EXAMPLE_MEMBER_DOCUMENT_XML },
  'application/xml': { schema: xmlSchema, example: EXAMPLE_MEMBER_DOCUMENT_XML },
  'text/xml': { schema: xmlSchema, example: EXAMPLE_MEMBER_DOCUMENT_XML },
  [PROVISIONING_JSON_MEDIA_TYPE]: { schema: jsonSchema, example: EXAMPLE_MEMBER_DOCUMENT },
  'application/json': { schema: jsonSchema, example: EXAMPLE_MEMBER_DOCUMENT },
};

const VIEW_CONTENT = {
  [PROVISIONING_XML_MEDIA_TYPE]: { schema: xmlSchema },
  [PROVISIONING_JSON_MEDIA_TYPE]: { schema: jsonSchema },
};

const ACCEPT_HEADER = {
  name: 'Accept',
  required: false,
  description: 'XML (the default) or JSON: application/pres-im-provisioning+json or application/json',
};
const IF_NONE_MATCH_HEADER = { name: 'If-None-Match', required: false, description: 'the ETag of a copy the caller holds' };

/** The answer of a provisioning view: the document in the negotiated format, 304, or 406. */
export const ApiProvisioningView = (description: string, { conditional = true } = {}) =>
  applyDecorators(
    ApiProduces(PROVISIONING_XML_MEDIA_TYPE, PROVISIONING_JSON_MEDIA_TYPE),
    ApiHeader(ACCEPT_HEADER),
    ApiResponse({ status: 200, description, content: VIEW_CONTENT }),
    ApiProblem(406, 'Accept names neither XML nor JSON'),
    ...(conditional
      ? [
          ApiHeader(IF_NONE_MATCH_HEADER),
          ApiResponse({ status: 304, description: 'not modified: If-None-Match matched the current ETag' }),
        ]
      : []),
  );

/**
 * `GET /.well-known/pres-im-provisioning/{domain}` is a plain Fastify route (the hot path, see
 * well-known-member.route.ts), so Nest cannot describe it: this is its OpenAPI path item.
 */
export function wellKnownMemberPathItem(): PathItemObject {
  return {
    get: {
      tags: ['provisioning'],
      operationId: 'WellKnownMember_get',
      summary: "A member's current document as served to the caller (with the caller's override)",
      description:
        "Anyone may ask. Sent credentials (or a pinned TLS client certificate) make it that member's view; a member hidden from the caller is a 404 exactly like an unknown domain.",
      security: [{}, { bearer: [] }],
      parameters: [
        { name: 'domain', in: 'path', required: true, schema: { type: 'string', example: 'a.example.com' } },
        { ...ACCEPT_HEADER, in: 'header', schema: { type: 'string' } },
        { ...IF_NONE_MATCH_HEADER, in: 'header', schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: "the member's document, in the negotiated format", content: VIEW_CONTENT },
        '304': { description: 'not modified: If-None-Match matched the current ETag' },
        '400': { description: 'the domain is not a valid domain name', content: problemContent() },
        '401': { description: 'credentials were sent but are unknown, revoked or expired', content: problemContent() },
        '403': { description: 'the calling member is not active', content: problemContent() },
        '404': { description: 'unknown domain, no document, or a member hidden from the caller', content: problemContent() },
        '406': { description: 'Accept names neither XML nor JSON', content: problemContent() },
        '500': { description: 'an unexpected error; `errorId` is logged by the hub', content: problemContent() },
      },
    },
  };
}
