import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ForbiddenError, UnauthenticatedError } from '@app/common';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest } from './principal.js';

/**
 * Member-authenticated endpoints: an active member, authenticated by an unrevoked API key, a signed
 * request (short-lived JWS) or, without an Authorization header, a pinned TLS client certificate.
 */
@Injectable()
export class MemberAuthGuard implements CanActivate {
  constructor(private readonly verifier: CredentialVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const member = await this.verifier.memberForRequest(request);
    if (!member) {
      throw new UnauthenticatedError(
        'missing member credentials: send Authorization: Bearer <API key or signed request>, or a registered TLS client certificate',
      );
    }
    if (member.status !== 'active') throw new ForbiddenError(`member ${member.domain} is ${member.status}`);
    request.principal = member;
    return true;
  }
}
