import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { actorOf, AuthenticatedRequest } from './principal.js';

/** The ActorContext (principal + request id) of the current request, for audited service calls. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return actorOf(request.principal, request);
});

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
});
