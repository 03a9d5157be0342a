import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AssertionsService } from './assertions.service.js';
import { HubKeysService } from './hub-keys.service.js';
import { InterconnectDecisions } from './interconnect-decisions.service.js';
import { MemberCredentialsService } from './member-credentials.service.js';
import { PeeringGraph } from './peering-graph.service.js';
import { PeeringPolicyService } from './peering-policy.service.js';
import { TransparencyLog } from './transparency-log.service.js';
import { InterconnectVerification } from './verification.service.js';
import { DecisionMetrics } from './decision-metrics.js';

const SERVICES = [
  TransparencyLog,
  PeeringPolicyService,
  PeeringGraph,
  MemberCredentialsService,
  InterconnectDecisions,
  InterconnectVerification,
  HubKeysService,
  AssertionsService,
  DecisionMetrics,
];

@Module({ imports: [AuditModule], providers: SERVICES, exports: SERVICES })
export class InterconnectModule {}
