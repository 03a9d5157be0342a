import { api, query } from '../api.js';
import type { ChatDestination, Page, QueueJob, QueueOverview } from '../api-types.js';
import { confirmAction } from '../confirm.js';
import { badge, errorBox, h, table, when } from '../dom.js';
import type { View } from '../view.js';

const COUNTS = ['waiting', 'active', 'delayed', 'failed', 'completed'];

/**
 * The queues with their counts, the jobs the outbox parked (failed for good) with retry and
 * discard, and the chat gateways whose deliveries are parked. The full board is the queue
 * dashboard at /admin/queues/.
 */
export const queuesView: View = async (root, { isAdmin }) => {
  const notices = h('div', {});
  const overview = h('div', {});
  const parked = h('div', {});
  const gateways = h('div', {});
  root.append(
    notices,
    h('p', {}, 'Every job of a queue, with its history: ', h('a', { href: '/admin/queues/' }, 'the queue dashboard'), '.'),
    overview,
    h('h2', {}, 'Parked jobs'),
    parked,
    h('h2', {}, 'Chat gateways'),
    gateways,
  );

  const change = async (title: string, text: string, path: string) => {
    if ((await confirmAction(title, text)) === null) return;
    try {
      await api(path, { method: 'POST' });
      notices.replaceChildren(h('div', { class: 'notice', role: 'status' }, `${title.replace(/\?$/, '')}: done.`));
    } catch (error) {
      notices.replaceChildren(errorBox(error));
    }
    await load();
  };

  const jobActions = (job: QueueJob) => {
    const path = `/queues/${encodeURIComponent(job.queue)}/jobs/${encodeURIComponent(job.id)}`;
    return isAdmin
      ? h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              class: 'primary',
              'data-action': 'retry',
              onclick: () => void change(`Retry ${job.name}?`, 'The job runs again with fresh attempts.', `${path}/retry`),
            },
            'Retry',
          ),
          h(
            'button',
            {
              class: 'danger',
              'data-action': 'discard',
              onclick: () => void change(`Discard ${job.name}?`, 'The job is given up for good.', `${path}/discard`),
            },
            'Discard',
          ),
        )
      : '';
  };

  const gatewayActions = (d: ChatDestination) => {
    const path = `/chat/destinations/${encodeURIComponent(d.network)}`;
    return isAdmin && d.parkedAt
      ? h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              class: 'primary',
              'data-action': 'retry',
              onclick: () =>
                void change(
                  `Retry deliveries to ${d.network}?`,
                  'Pushes start again, in order, with a fresh retry budget.',
                  `${path}/retry`,
                ),
            },
            'Retry',
          ),
          h(
            'button',
            {
              class: 'danger',
              'data-action': 'discard',
              onclick: () =>
                void change(
                  `Discard deliveries to ${d.network}?`,
                  `The ${d.pending} pending deliveries are given up.`,
                  `${path}/discard`,
                ),
            },
            'Discard',
          ),
        )
      : '';
  };

  async function load() {
    const queues = await api<QueueOverview>('/queues');
    overview.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        `Queue backend: ${queues.backend === 'redis' ? 'Redis' : 'PostgreSQL (BullMQ’s PostgreSQL backend)'}`,
      ),
      table(['Queue', ...COUNTS, 'parked'], queues.queues, (q) => [q.name, ...COUNTS.map((c) => q.counts[c] ?? 0), q.parked]),
    );
    const jobs = (
      await Promise.all(
        queues.queues
          .filter((q) => q.parked > 0)
          .map((q) => api<Page<QueueJob>>(`/queues/${encodeURIComponent(q.name)}/parked${query({ limit: 100 })}`)),
      )
    ).flatMap((page) => page.items);
    parked.replaceChildren(
      jobs.length
        ? table(['Queue', 'Job', 'Parked', 'Attempts', 'Last error', 'State', ''], jobs, (j) => [
            j.queue,
            h('span', {}, j.name, h('br', {}), h('small', { class: 'muted' }, j.id)),
            when(j.parkedAt),
            j.attemptsMade ?? 0,
            j.failedReason ?? '',
            j.state,
            jobActions(j),
          ])
        : h('p', { class: 'empty' }, 'No parked job.'),
    );
    const destinations = (await api<{ items: ChatDestination[] }>('/chat/destinations')).items;
    gateways.replaceChildren(
      destinations.length
        ? table(['Network', 'Mode', 'Pending', 'Failures', 'State', 'Last error', 'Last success', ''], destinations, (d) => [
            d.network,
            d.mode,
            d.pending,
            d.attempts,
            d.parkedAt ? badge('parked', 'bad') : badge('flowing', 'ok'),
            d.lastError ?? '',
            when(d.lastSuccessAt),
            gatewayActions(d),
          ])
        : h('p', { class: 'empty' }, 'No chat deliveries yet.'),
    );
  }
  await load();
};
