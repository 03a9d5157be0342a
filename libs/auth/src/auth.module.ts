import { Global, Module } from '@nestjs/common';
import { CredentialVerifier } from './credential-verifier.service.js';
import { MemberAuthGuard } from './member-auth.guard.js';
import { OperatorAuthGuard } from './operator-auth.guard.js';

@Global()
@Module({
  providers: [CredentialVerifier, OperatorAuthGuard, MemberAuthGuard],
  exports: [CredentialVerifier, OperatorAuthGuard, MemberAuthGuard],
})
export class AuthModule {}
