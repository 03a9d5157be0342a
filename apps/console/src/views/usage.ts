import { api, query } from '../api.js';
import { USAGE_COLUMNS, type UsageColumn, type UsageReport } from '../api-types.js';
import { lineChart } from '../chart.js';
import { errorBox, h, table } from '../dom.js';
import type { View } from '../view.js';

const MAX_LINES = 8;

/**
 * Usage per member over time from GET /admin/v1/usage (the counters PostgreSQL keeps, the basis
 * of settlement): one line per member for the chosen measure, the totals, and the same report as CSV.
 */
export const usageView: View = async (root) => {
  const today = new Date();
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const from = h('input', { type: 'date', value: day(new Date(today.getTime() - 29 * 86_400_000)), 'aria-label': 'From' });
  const to = h('input', { type: 'date', value: day(today), 'aria-label': 'To (included)' });
  const granularity = h(
    'select',
    { 'aria-label': 'Granularity' },
    h('option', { value: 'day' }, 'per day'),
    h('option', { value: 'month' }, 'per month'),
  );
  const measure = h(
    'select',
    { 'aria-label': 'Measure' },
    ...Object.entries(USAGE_COLUMNS).map(([value, title]) => h('option', { value }, title)),
  );
  const csv = h('a', {}, 'Download CSV');
  const out = h('div', {});
  root.append(
    h(
      'div',
      { class: 'toolbar' },
      h('label', { class: 'inline' }, 'From', from),
      h('label', { class: 'inline' }, 'to', to),
      granularity,
      measure,
      h('button', { onclick: () => void load() }, 'Show'),
      csv,
    ),
    out,
  );

  async function load() {
    // the API's `to` is exclusive: the day after the last one shown
    const params = {
      from: from.value,
      to: day(new Date(Date.parse(to.value) + 86_400_000)),
      granularity: granularity.value,
    };
    csv.setAttribute('href', `/admin/v1/usage${query({ ...params, format: 'csv' })}`);
    try {
      const report = await api<UsageReport>(`/usage${query(params)}`);
      out.replaceChildren(...render(report, measure.value as UsageColumn));
    } catch (error) {
      out.replaceChildren(errorBox(error));
    }
  }
  measure.addEventListener('change', () => void load());
  await load();
};

function render(report: UsageReport, column: UsageColumn): Element[] {
  const periods = periodsOf(report);
  const totals = new Map<string, number>();
  const byMember = new Map<string, Map<string, number>>();
  for (const row of report.members) {
    const member = row.member ?? '(anonymous)';
    totals.set(member, (totals.get(member) ?? 0) + row[column]);
    byMember.set(member, (byMember.get(member) ?? new Map<string, number>()).set(row.period, row[column]));
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const series = ranked.slice(0, MAX_LINES).map(([member]) => ({
    name: member,
    values: periods.map((p) => byMember.get(member)?.get(p) ?? 0),
  }));
  return [
    lineChart(periods, series),
    h(
      'p',
      { class: 'legend' },
      ...series.map((line, i) => h('span', { class: `series-${i % 8}` }, h('span', { class: 'swatch' }), line.name)),
    ),
    ranked.length
      ? table(['Member', `${USAGE_COLUMNS[column]} (total)`], ranked, ([member, total]) => [member, total])
      : h('p', { class: 'empty' }, 'Nothing counted in this range.'),
  ];
}

/** Every day or month from `from` up to `to` (exclusive), also those without rows. */
function periodsOf(report: UsageReport): string[] {
  const periods: string[] = [];
  const end = Date.parse(report.to);
  for (let at = new Date(Date.parse(report.from)); at.getTime() < end;) {
    periods.push(report.granularity === 'day' ? at.toISOString().slice(0, 10) : at.toISOString().slice(0, 7));
    if (report.granularity === 'day') at.setUTCDate(at.getUTCDate() + 1);
    else at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  }
  return periods;
}
