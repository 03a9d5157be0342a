import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { MetricsRegistry } from '@app/metrics';
import { OPERATOR_QUEUES, QueueName } from './job-catalogue.js';
import { QueueCounters } from './queue-counters.js';
import { QueueMetrics, queuesToMeasure } from './queue-metrics.js';

describe(queuesToMeasure.name, () => {
  it('should leave out a queue hidden from operators (lawful interception)', () => {
    const shown = { 'member-events': true, 'lawful-interception': false, chat: true };
    expect(queuesToMeasure(shown)).toEqual(['member-events', 'chat']);
  });

  it('should measure exactly the queues operators see, by default', () => {
    expect(queuesToMeasure()).toEqual(OPERATOR_QUEUES);
  });
});

describe(QueueMetrics.name, () => {
  it('should record attempts of measured queues and nothing of a queue that is not one', async () => {
    const metrics = new MetricsRegistry();
    const queueMetrics = new QueueMetrics(metrics);
    queueMetrics.attemptEnded(QueueName.Chat, 'chat-event-committed', 'completed', 0.01);
    queueMetrics.attemptEnded('lawful-interception' as QueueName, 'intercept', 'failed', 0.01);
    const counters = new QueueCounters(metrics);
    counters.increment('jobs_failed_total', { queue: 'lawful-interception', job: 'intercept' });
    counters.increment('jobs_failed_total', { queue: QueueName.Chat, job: 'chat-event-committed' });

    const text = await metrics.exposition();
    expect(text).not.toContain('lawful-interception');
    expect(text).not.toContain('intercept');
    expect(text).toContain('hub_queue_job_duration_seconds_count{queue="chat",job="chat-event-committed",outcome="completed"} 1');
    const families = parsePrometheusTextFormat(text);
    const failed = families.find((f) => f.name === 'hub_jobs_failed_total');
    expect(failed?.metrics).toEqual([{ labels: { queue: 'chat', job: 'chat-event-committed' }, value: '1' }]);
  });
});
