import { Module } from '@nestjs/common';
import { HubKeysService, InterconnectModule } from '@app/interconnect';
import { OutboundModule } from '@app/outbound';
import { AuditModule } from '@app/audit';
import { ChangeNotificationsHandler } from './change-notifications.handler.js';
import { ProvisioningViews } from './provisioning-views.service.js';
import { ProvisioningService } from './provisioning.service.js';
import { ViewCache } from './view-cache.js';
import { ProvisioningFetchUsage } from './fetch-usage.js';

const SERVICES = [ProvisioningService, ProvisioningViews, ViewCache, ChangeNotificationsHandler, ProvisioningFetchUsage];

@Module({
  imports: [
    AuditModule,
    InterconnectModule,
    OutboundModule.register({ imports: [InterconnectModule], keySource: HubKeysService }),
  ],
  providers: SERVICES,
  exports: SERVICES,
})
export class ProvisioningModule {}
