import { api, query } from '../api.js';
import type { AuditEntry, Operator, Page } from '../api-types.js';
import { h, table, when } from '../dom.js';
import type { View } from '../view.js';

/** The newest audit entries, operators named by their names (GET /admin/v1/operators), with paging. */
export const auditView: View = async (root) => {
  const operators = new Map((await api<{ items: Operator[] }>('/operators')).items.map((o) => [o.id, o]));
  const actor = (entry: AuditEntry) => {
    if (entry.actor.type === 'operator') {
      const operator = operators.get(entry.actor.id);
      return operator
        ? h('span', { 'data-actor': 'operator' }, operator.name, h('small', { class: 'muted' }, ` (${operator.role})`))
        : entry.actor.id;
    }
    return `${entry.actor.type}: ${entry.actor.id}`;
  };
  const entries: AuditEntry[] = [];
  const list = h('div', {});
  const more = h('button', { onclick: () => void next() }, 'Older entries');
  root.append(list);
  let cursor: string | null = null;
  async function next() {
    const page: Page<AuditEntry> = await api<Page<AuditEntry>>(`/audit${query({ limit: 50, cursor })}`);
    entries.push(...page.items);
    cursor = page.nextCursor;
    list.replaceChildren(
      entries.length
        ? table(['When', 'Who', 'Action', 'Target', 'Reason'], entries, (e) => [
            when(e.at),
            actor(e),
            h('code', {}, e.action),
            `${e.target.type}: ${e.target.id}`,
            e.reason ?? '',
          ])
        : h('p', { class: 'empty' }, 'The audit trail is empty.'),
    );
    if (cursor) list.append(more);
  }
  await next();
};
