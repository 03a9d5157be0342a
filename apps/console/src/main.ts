import { api } from './api.js';
import type { SignedInOperator } from './api-types.js';
import { errorBox, h } from './dom.js';
import type { View } from './view.js';
import { auditView } from './views/audit.js';
import { graphView } from './views/graph.js';
import { membersView } from './views/members.js';
import { queuesView } from './views/queues.js';
import { transparencyView } from './views/transparency.js';
import { usageView } from './views/usage.js';

/** The console's pages, in the navigation's order; the URL's fragment names the one shown (#members). */
const VIEWS: Array<[string, string, View]> = [
  ['members', 'Members', membersView],
  ['graph', 'Peering graph', graphView],
  ['queues', 'Queues', queuesView],
  ['usage', 'Usage', usageView],
  ['audit', 'Audit', auditView],
  ['transparency', 'Transparency', transparencyView],
];

async function start(): Promise<void> {
  const root = document.getElementById('view') as HTMLElement;
  const nav = document.getElementById('nav') as HTMLElement;
  let operator: SignedInOperator;
  try {
    operator = await api<SignedInOperator>('/operators/me');
  } catch (error) {
    root.replaceChildren(errorBox(error));
    return;
  }
  (document.getElementById('who') as HTMLElement).textContent = `${operator.name} (${operator.role})`;
  const links = VIEWS.map(([id, title]) => h('a', { href: `#${id}`, 'data-view': id }, title));
  nav.replaceChildren(...links);

  let shown = 0;
  const show = async () => {
    const id = window.location.hash.slice(1) || VIEWS[0][0];
    const entry = VIEWS.find(([name]) => name === id) ?? VIEWS[0];
    for (const link of links) {
      if (link.dataset.view === entry[0]) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const turn = ++shown;
    const view = h('section', { 'data-view': entry[0] }, h('h1', {}, entry[1]));
    root.replaceChildren(view);
    document.title = `${entry[1]}: clearing house console`;
    try {
      await entry[2](view, { operator, isAdmin: operator.role === 'admin' });
    } catch (error) {
      if (turn === shown) view.append(errorBox(error));
    }
  };
  window.addEventListener('hashchange', () => void show());
  await show();
}

void start();
