import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { ProblemDetails } from './problem-details.schema.js';

/** What each problem status means on this hub, unless a route says something more precise. */
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input: `invalidParams` names every offending field; nothing was stored',
  401: 'no credentials, or unknown, revoked or expired ones',
  403: 'valid credentials that may not do this',
  404: 'no such resource (or one hidden from the caller, answered exactly alike)',
  406: 'none of the media types in Accept is available',
  409: 'conflicts with the current state (a duplicate, or a change that is not allowed now)',
  413: 'the request body is too large',
  415: 'the request body has a media type this route does not accept',
  422: 'well-formed input that cannot be acted on',
  429: 'too many requests from this address; retry after the Retry-After header',
  500: 'an unexpected error; `errorId` is logged by the hub',
  503: 'a dependency of the hub is unavailable',
};

/** The schema of every problem response: the `ProblemDetails` component (RFC 9457). */
export const problemContent = (): Record<string, { schema: { $ref: string } }> => ({
  [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetails) } },
});

/** One problem response of a route (or of every route of a controller). */
export function ApiProblem(
  status: number,
  description = PROBLEM_DESCRIPTIONS[status] ?? 'a problem',
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, content: problemContent() });
}

/** Several problem responses with their default descriptions; a [status, description] pair overrides one. */
export function ApiProblems(...entries: Array<number | [number, string]>) {
  return applyDecorators(...entries.map((e) => (typeof e === 'number' ? ApiProblem(e) : ApiProblem(e[0], e[1]))));
}

/**
 * Anyone may call the route without credentials (rate-limited per client address). Marked with an
 * empty requirement here; buildOpenApiDocument turns a lone empty requirement into `security: []`.
 */
export const ApiPublic = () => applyDecorators(ApiSecurity({}), ApiProblem(429));

/**
 * Anonymous callers get the public view (rate-limited per client address); a member's credentials,
 * when sent, must be valid.
 */
export const ApiOptionalMemberAuth = () =>
  applyDecorators(
    ApiSecurity({}),
    ApiProblem(429),
    ApiBearerAuth(),
    ApiProblem(401, 'credentials were sent but are unknown, revoked or expired (anonymous callers send none)'),
    ApiProblem(403, 'the calling member is not active'),
  );

/** An active member's API key, signed request or pinned TLS client certificate. */
export const ApiMemberAuth = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiProblem(401, 'no member credentials, or unknown, revoked or expired ones'),
    ApiProblem(403, 'the calling member is not active'),
  );

/**
 * An operator token, or the operator session cookie of the browser sign-in (a change made with the
 * cookie must carry the hub's own Origin): reads for any operator, changes for admins (unless the
 * route says otherwise).
 */
export const ApiOperatorAuth = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiSecurity('operatorSession'),
    ApiProblem(401, 'no operator credentials, or an unknown or disabled token, or an expired sign-in'),
    ApiProblem(
      403,
      "a member's credentials, an operator role that may not do this, or a change made with the session cookie from another origin",
    ),
  );

/** Where ApiRequestBody parks its content until buildOpenApiDocument makes it the request body. */
export const REQUEST_BODY_EXTENSION = 'x-hub-request-body';

/**
 * A request body with its own schema and examples per media type (ApiBody gives every media type
 * the same ones), for routes that parse several formats themselves.
 */
export const ApiRequestBody = (content: Record<string, object>, description?: string) =>
  ApiExtension(REQUEST_BODY_EXTENSION, { required: true, ...(description ? { description } : {}), content });
