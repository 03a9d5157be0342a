/** Who performs an action, carried from the transport edge into services for the audit trail. */
export type ActorType = 'operator' | 'member' | 'anonymous' | 'system';

export interface ActorContext {
  type: ActorType;
  /** operator id, member domain, client address (anonymous) or a component name (system) */
  id: string;
  requestId?: string;
}

export const systemActor = (component: string): ActorContext => ({ type: 'system', id: component });
