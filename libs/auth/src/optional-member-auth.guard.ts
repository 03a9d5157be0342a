import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest } from './principal.js';
import { authenticateRequest } from './request-authentication.js';

/**
 * Public endpoints whose answer depends on who asks (provisioning views): no Authorization
 * header means an anonymous caller; a header that is present must be a valid key or signed
 * request of an active member, so a typo never silently downgrades a member to the anonymous view.
 * Without a header, a TLS client certificate matching a member's pin authenticates that member;
 * an unknown certificate is anonymous (clients may present certificates for other reasons).
 */
@Injectable()
export class OptionalMemberAuthGuard implements CanActivate {
  constructor(private readonly verifier: CredentialVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await authenticateRequest(this.verifier, context.switchToHttp().getRequest<AuthenticatedRequest>(), 'optional-member');
    return true;
  }
}
