import type { MixedList } from 'typeorm';
import { Init1795547127228 } from './1795547127228-Init.js';
import { ProvisioningVersions1795550412072 } from './1795550412072-ProvisioningVersions.js';
import { Interconnect1795550692649 } from './1795550692649-Interconnect.js';
import { OutboxJobKey1795549960278 } from './1795549960278-OutboxJobKey.js';
import { MessageLogPartitioned1795560000000 } from './1795560000000-MessageLogPartitioned.js';
import { MessageLog1796106912449 } from './1796106912449-MessageLog.js';
import { MessageLogTagsWithoutPendingList1796112000000 } from './1796112000000-MessageLogTagsWithoutPendingList.js';
import { ApplicationClaimSecret1796200000000 } from './1796200000000-ApplicationClaimSecret.js';
import { ChatRooms1796615674737 } from './1796615674737-ChatRooms.js';
import { ChatDeliveries1796617323282 } from './1796617323282-ChatDeliveries.js';
import { OutboxReconciliation1796617885063 } from './1796617885063-OutboxReconciliation.js';
import { ChatPush1796625149094 } from './1796625149094-ChatPush.js';
import { OperationsAdmin1796625299977 } from './1796625299977-OperationsAdmin.js';
import { LawfulInterception1796637860336 } from './1796637860336-LawfulInterception.js';
import { LawfulInterceptionRecords1796638178777 } from './1796638178777-LawfulInterceptionRecords.js';
import { LiRecordsInFlight1796640000000 } from './1796640000000-LiRecordsInFlight.js';
import { LiTargetSetVersion1796650000000 } from './1796650000000-LiTargetSetVersion.js';

/** Every migration, in order. Listed as classes (not a glob) so the same list works compiled, under jest and in the CLI. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: MixedList<Function> = [
  Init1795547127228,
  OutboxJobKey1795549960278,
  ProvisioningVersions1795550412072,
  Interconnect1795550692649,
  MessageLogPartitioned1795560000000,
  MessageLog1796106912449,
  MessageLogTagsWithoutPendingList1796112000000,
  ApplicationClaimSecret1796200000000,
  ChatRooms1796615674737,
  ChatDeliveries1796617323282,
  OutboxReconciliation1796617885063,
  ChatPush1796625149094,
  OperationsAdmin1796625299977,
  LawfulInterception1796637860336,
  LawfulInterceptionRecords1796638178777,
  LiRecordsInFlight1796640000000,
  LiTargetSetVersion1796650000000,
];
