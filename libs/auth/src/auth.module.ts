import { Global, Module } from '@nestjs/common';
import { CredentialVerifier } from './credential-verifier.service.js';
import { MemberAuthGuard } from './member-auth.guard.js';
import { OperatorAuthGuard } from './operator-auth.guard.js';
import { OptionalMemberAuthGuard } from './optional-member-auth.guard.js';

@Global()
@Module({
  providers: [CredentialVerifier, OperatorAuthGuard, MemberAuthGuard, OptionalMemberAuthGuard],
  exports: [CredentialVerifier, OperatorAuthGuard, MemberAuthGuard, OptionalMemberAuthGuard],
})
export class AuthModule {}
