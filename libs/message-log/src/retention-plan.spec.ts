import {
  droppablePartitions,
  heldTags,
  inIngestWindow,
  longestRetentionDays,
  retentionCutoff,
  retentionDaysOf,
} from './retention-plan.js';

const DAY = 86_400_000;
const now = new Date('2026-06-30T12:00:00Z');
const day = (iso: string) => {
  const from = new Date(`${iso}T00:00:00Z`);
  return { name: `message_log_p${iso.replaceAll('-', '')}`, from, to: new Date(from.getTime() + DAY) };
};

describe(droppablePartitions.name, () => {
  const policy = { defaultDays: 30, overrides: new Map<string, number>() };

  it('should drop only partitions that end before the cutoff of the longest retention', () => {
    const partitions = [day('2026-05-29'), day('2026-05-30'), day('2026-05-31'), day('2026-06-29')];
    // cutoff: 2026-05-31T12:00Z; the day of 05-31 still holds unexpired records
    expect(droppablePartitions(partitions, now, policy).map((p) => p.name)).toEqual([
      'message_log_p20260529',
      'message_log_p20260530',
    ]);
  });

  it('should keep partitions a member with a longer retention may still need', () => {
    const longer = { defaultDays: 30, overrides: new Map([['a.example.com', 60]]) };
    expect(droppablePartitions([day('2026-05-01'), day('2026-04-30')], now, longer).map((p) => p.name)).toEqual([
      'message_log_p20260430',
    ]);
  });
});

describe(retentionDaysOf.name, () => {
  it("should use a member's own retention, otherwise the default", () => {
    const policy = { defaultDays: 90, overrides: new Map([['a.example.com', 7]]) };
    expect(retentionDaysOf(policy, 'a.example.com')).toBe(7);
    expect(retentionDaysOf(policy, 'b.example.org')).toBe(90);
    expect(longestRetentionDays(policy)).toBe(90);
    expect(retentionCutoff(now, 7)).toEqual(new Date('2026-06-23T12:00:00Z'));
  });
});

describe(heldTags.name, () => {
  it('should map each hold to the tag records carry, once', () => {
    expect(
      heldTags([
        { scope: 'member', value: 'a.example.com' },
        { scope: 'participant', value: 'sip:alice@a.example.com' },
        { scope: 'room', value: 'xmpp:room@conference.a.example.com' },
        { scope: 'member', value: 'a.example.com' },
      ]),
    ).toEqual(['n:a.example.com', 'r:xmpp:room@conference.a.example.com', 'u:sip:alice@a.example.com']);
  });
});

describe(inIngestWindow.name, () => {
  it('should tell partitions ingest may still write to from older ones', () => {
    expect(inIngestWindow(day('2026-06-23'), now, 7)).toBe(true);
    expect(inIngestWindow(day('2026-06-22'), now, 7)).toBe(false);
  });
});
