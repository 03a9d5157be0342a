import { Module } from '@nestjs/common';
import { MembersModule } from '@app/members';
import { AssertionsService } from './assertions.service.js';
import { HubKeysService } from './hub-keys.service.js';
import { InterconnectDecisions } from './interconnect-decisions.service.js';
import { MemberCredentialsService } from './member-credentials.service.js';
import { PeeringPolicyService } from './peering-policy.service.js';
import { TransparencyLog } from './transparency-log.service.js';
import { InterconnectVerification } from './verification.service.js';

const SERVICES = [
  TransparencyLog,
  PeeringPolicyService,
  MemberCredentialsService,
  InterconnectDecisions,
  InterconnectVerification,
  HubKeysService,
  AssertionsService,
];

@Module({ imports: [MembersModule], providers: SERVICES, exports: SERVICES })
export class InterconnectModule {}
