import type { LiDeliveryType, LiTaskState } from '@app/db';
import type { LiTarget } from './li-target.js';

/** What ActivateTask and ModifyTask carry (targets already normalised). */
export interface LiTaskInput {
  xid: string;
  targets: LiTarget[];
  deliveryType: LiDeliveryType;
  destinationIds: string[];
  warrantReference: string;
  /** absent: from now */
  validFrom?: Date;
  /** absent: until deactivated */
  validUntil?: Date;
}

export interface LiTaskDetails {
  xid: string;
  state: LiTaskState;
  targets: LiTarget[];
  deliveryType: LiDeliveryType;
  destinationIds: string[];
  warrantReference: string;
  validFrom: Date;
  validUntil: Date | null;
  createdBy: string;
  approvedBy: string | null;
}

/** What li_tasks.sealed holds. */
export interface LiTaskSealed {
  targets: LiTarget[];
  warrantReference: string;
}

export interface LiDestinationInput {
  did: string;
  friendlyName?: string;
  /** an https URL (http only where OUTBOUND_ALLOW_LOOPBACK allows it, in development) */
  deliveryAddress: string;
}

export interface LiDestinationDetails {
  did: string;
  friendlyName: string | null;
  deliveryAddress: string;
  removed: boolean;
}

/** What li_destinations.sealed holds. */
export interface LiDestinationSealed {
  friendlyName: string | null;
  deliveryAddress: string;
}
