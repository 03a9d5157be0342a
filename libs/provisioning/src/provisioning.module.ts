import { Module } from '@nestjs/common';
import { HubOutboundModule, InterconnectModule } from '@app/interconnect';
import { AuditModule } from '@app/audit';
import { ChangeNotificationsHandler } from './change-notifications.handler.js';
import { ProvisioningViews } from './provisioning-views.service.js';
import { ProvisioningService } from './provisioning.service.js';
import { ViewCache } from './view-cache.js';
import { ProvisioningFetchUsage } from './fetch-usage.js';
import { ProvisioningMetrics } from './provisioning-metrics.js';

const SERVICES = [
  ProvisioningService,
  ProvisioningViews,
  ViewCache,
  ChangeNotificationsHandler,
  ProvisioningFetchUsage,
  ProvisioningMetrics,
];

@Module({
  imports: [AuditModule, InterconnectModule, HubOutboundModule],
  providers: SERVICES,
  exports: SERVICES,
})
export class ProvisioningModule {}
