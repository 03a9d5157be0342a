import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, type OperatorRole } from '@app/common';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest, OperatorPrincipal } from './principal.js';
import { authenticateRequest } from './request-authentication.js';

const ROLES_KEY = 'operatorRoles';
const READ_METHODS = new Set(['GET', 'HEAD']);

/** Overrides the default role rule (reads: any operator; writes: admin). */
export const OperatorRoles = (...roles: OperatorRole[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Guards /admin: a valid operator token is required (401 otherwise). A member key is a valid
 * credential of the wrong kind (403). Auditors may read; only admins may change anything.
 */
@Injectable()
export class OperatorAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    await authenticateRequest(this.verifier, request, 'operator');
    const operator = request.principal as OperatorPrincipal;
    const roles =
      this.reflector.getAllAndOverride<OperatorRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]) ??
      (READ_METHODS.has(request.method) ? ['admin', 'auditor'] : ['admin']);
    if (!roles.includes(operator.role)) {
      throw new ForbiddenError(`this action requires the ${roles.join(' or ')} role; you are ${operator.role}`);
    }
    return true;
  }
}
