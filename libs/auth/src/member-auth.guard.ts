import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest } from './principal.js';
import { authenticateRequest } from './request-authentication.js';

/**
 * Member-authenticated endpoints: an active member, authenticated by an unrevoked API key, a signed
 * request (short-lived JWS) or, without an Authorization header, a pinned TLS client certificate.
 */
@Injectable()
export class MemberAuthGuard implements CanActivate {
  constructor(private readonly verifier: CredentialVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await authenticateRequest(this.verifier, context.switchToHttp().getRequest<AuthenticatedRequest>(), 'member');
    return true;
  }
}
