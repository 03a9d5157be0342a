import { type LegalHoldScope } from '@app/common';
import { memberTag, participantTag, roomTag } from './record-authorization.js';

const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  defaultDays: number;
  /** per member (origin) domain */
  overrides: ReadonlyMap<string, number>;
}

export const retentionDaysOf = (policy: RetentionPolicy, origin: string): number =>
  policy.overrides.get(origin) ?? policy.defaultDays;

/** Records of `origin` logged with a timestamp before this instant have expired. */
export const retentionCutoff = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/** The longest retention any origin may have: a partition older than that holds only expired records. */
export const longestRetentionDays = (policy: RetentionPolicy): number =>
  Math.max(policy.defaultDays, ...policy.overrides.values());

/**
 * Partitions that may be dropped whole: their range ends at or before the cutoff of the longest
 * retention in effect (so every record in them has expired, whatever its origin). Whether one
 * holds a record under legal hold is checked against the database before dropping it.
 */
export function droppablePartitions<P extends { name: string; to: Date }>(
  partitions: readonly P[],
  now: Date,
  policy: RetentionPolicy,
): P[] {
  const cutoff = retentionCutoff(now, longestRetentionDays(policy)).getTime();
  return partitions.filter((p) => p.to.getTime() <= cutoff);
}

/**
 * Whether a partition lies (partly) inside the window of timestamps ingest still accepts: the
 * partition upkeep would create it again, so an empty one is not worth dropping.
 */
export const inIngestWindow = (partition: { to: Date }, now: Date, acceptPastDays: number): boolean =>
  partition.to.getTime() > now.getTime() - acceptPastDays * DAY_MS;

/** The tag a record carries when a hold of that scope and value applies to it. */
export function holdTag(scope: LegalHoldScope, value: string): string {
  switch (scope) {
    case 'member':
      return memberTag(value);
    case 'participant':
      return participantTag(value);
    case 'room':
      return roomTag(value);
  }
}

/** The tags of the active holds, deduplicated: a record is held when its tags overlap them. */
export const heldTags = (holds: ReadonlyArray<{ scope: LegalHoldScope; value: string }>): string[] =>
  [...new Set(holds.map((h) => holdTag(h.scope, h.value)))].sort();
