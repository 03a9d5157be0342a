import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ForbiddenError, UnauthenticatedError } from '@app/common';
import { bearerToken } from './bearer-token.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest } from './principal.js';

/** Member-authenticated endpoints: an unrevoked API key of an active member. */
@Injectable()
export class MemberAuthGuard implements CanActivate {
  constructor(private readonly verifier: CredentialVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const member = await this.verifier.member(bearerToken(request.headers.authorization));
    if (!member) throw new UnauthenticatedError('unknown or revoked API key');
    if (member.status !== 'active') throw new ForbiddenError(`member ${member.domain} is ${member.status}`);
    request.principal = member;
    return true;
  }
}
