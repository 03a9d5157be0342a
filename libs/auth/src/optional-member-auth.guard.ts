import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ForbiddenError, UnauthenticatedError } from '@app/common';
import { bearerToken } from './bearer-token.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest } from './principal.js';

/**
 * Public endpoints whose answer depends on who asks (provisioning views): no Authorization
 * header means an anonymous caller; a header that is present must be a valid key of an active
 * member, so a typo never silently downgrades a member to the anonymous view.
 */
@Injectable()
export class OptionalMemberAuthGuard implements CanActivate {
  constructor(private readonly verifier: CredentialVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (request.headers.authorization === undefined) return true;
    const member = await this.verifier.member(bearerToken(request.headers.authorization));
    if (!member) throw new UnauthenticatedError('unknown or revoked API key');
    if (member.status !== 'active') throw new ForbiddenError(`member ${member.domain} is ${member.status}`);
    request.principal = member;
    return true;
  }
}
