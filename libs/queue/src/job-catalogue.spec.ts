import {
  ALL_QUEUES,
  JOB_CATALOGUE,
  JobName,
  OPERATOR_QUEUES,
  operatorQueue,
  OUTBOX_JOBS,
  outboxJobId,
  outboxJobKey,
  QUEUE_SHOWN_TO_OPERATORS,
  QueueName,
  queueStallLimit,
} from './job-catalogue.js';

describe('JOB_CATALOGUE', () => {
  it('should let every job be interrupted as often as it may fail, so a stall is retried like a failed attempt', () => {
    for (const [name, definition] of Object.entries(JOB_CATALOGUE)) {
      expect({ name, maxStalls: definition.maxStalls }).toEqual({ name, maxStalls: definition.options.attempts });
    }
  });

  it('should give every queue a stall limit above BullMQ’s default of 1', () => {
    for (const queue of ALL_QUEUES) expect(queueStallLimit(queue)).toBeGreaterThan(1);
  });

  it('should feed every job except the scheduled upkeep from the outbox', () => {
    expect([...OUTBOX_JOBS].sort()).toEqual(
      [
        JobName.MemberStatusChanged,
        JobName.ProvisioningPublished,
        JobName.DeliverChangeNotification,
        JobName.MessageLogBatchCommitted,
        JobName.ChatEventCommitted,
        JobName.LiMatchLogBatch,
        JobName.LiMatchChatEvent,
      ].sort(),
    );
  });

  it('should hide the lawful-interception queue from operators and show every other queue', () => {
    expect(QUEUE_SHOWN_TO_OPERATORS[QueueName.LawfulInterception]).toBe(false);
    expect(OPERATOR_QUEUES).not.toContain(QueueName.LawfulInterception);
    expect(operatorQueue('lawful-interception')).toBeUndefined();
    expect(OPERATOR_QUEUES).toEqual(ALL_QUEUES.filter((q) => q !== QueueName.LawfulInterception));
  });

  it('should map an outbox job id back to its job key and nothing else', () => {
    const key = '4f0c8a52-7c1e-4b8e-9d0a-2b1f3c4d5e6f';
    expect(outboxJobKey(outboxJobId(key))).toBe(key);
    expect(outboxJobKey('repeat:message-log-partitions:1700000000000')).toBeUndefined();
  });
});
