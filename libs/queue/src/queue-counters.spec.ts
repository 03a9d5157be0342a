import { MetricsRegistry } from '@app/metrics';
import { QueueCounters } from './queue-counters.js';

describe(QueueCounters.name, () => {
  it('should count per label set and sum over the labels asked for', () => {
    const counters = new QueueCounters(new MetricsRegistry());
    counters.increment('outbox_redispatched_total', { queue: 'message-log', job: 'message-log-batch-committed' }, 15);
    counters.increment('outbox_redispatched_total', { job: 'message-log-batch-committed', queue: 'message-log' }, 5);
    counters.increment('outbox_redispatched_total', { queue: 'change-notifications', job: 'deliver-change-notification' }, 6);
    counters.increment('jobs_failed_total', { queue: 'message-log', job: 'message-log-batch-committed' });

    expect(counters.value('outbox_redispatched_total', { queue: 'message-log' })).toBe(20);
    expect(counters.value('outbox_redispatched_total')).toBe(26);
    expect(counters.value('outbox_parked_total')).toBe(0);
    expect(counters.read()).toHaveLength(3);
    expect(counters.read()[0]).toEqual({
      name: 'outbox_redispatched_total',
      help: expect.stringContaining('added again'),
      labels: { queue: 'message-log', job: 'message-log-batch-committed' },
      value: 20,
    });
  });

  it('should not count a queue hidden from operators, nor export it', async () => {
    const metrics = new MetricsRegistry();
    const counters = new QueueCounters(metrics);
    counters.increment('jobs_failed_total', { queue: 'lawful-interception', job: 'li-match-log-batch' });
    expect(counters.read()).toEqual([]);
    expect(await metrics.exposition()).not.toContain('lawful-interception');
  });
});
