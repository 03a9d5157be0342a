import { OutboundModule } from '@app/outbound';
import { HubKeysService } from './hub-keys.service.js';
import { InterconnectModule } from './interconnect.module.js';

/**
 * The one outbound client of a process, signing with the hub's keys. Every domain library that
 * sends imports this same module object, so Nest builds it once: one connection pool, one
 * circuit and one concurrency limit per destination, whoever sends.
 */
export const HubOutboundModule = OutboundModule.register({ imports: [InterconnectModule], keySource: HubKeysService });
