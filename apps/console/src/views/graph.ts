import { api, query } from '../api.js';
import type { Decision, EdgeKind, GraphEdge, PeeringGraph } from '../api-types.js';
import { badge, errorBox, h, s, table, when } from '../dom.js';
import { edgeSegment, layOut, type Point } from '../graph-layout.js';
import type { View } from '../view.js';

const SERVICES = ['presence', 'im', 'n-way-chat', 'file-transfer'];
const RADIUS = 18;
const PAD = 70;
const [MIN_WIDTH, MIN_HEIGHT] = [900, 560];
const KIND_TITLES: Record<EdgeKind, string> = {
  agreement: 'Agreement',
  offer: 'Open offer',
  refusal: 'Refused offer',
  'operator-block': 'Operator block',
  'member-block': 'Member block',
};
/** Edges with a direction: offerer → offeree, blocker → blocked. */
const DIRECTED = new Set<EdgeKind>(['offer', 'refusal', 'member-block']);

/**
 * Members as nodes, agreements, offers, refusals and blocks as edges (GET interconnect/graph),
 * laid out with d3-force and drawn as SVG. Choosing an edge asks the decision function why the
 * pair may or may not interconnect (GET interconnect/decisions): the explanation is the hub's.
 */
export const graphView: View = async (root) => {
  const service = h(
    'select',
    { 'aria-label': 'Service to explain' },
    ...SERVICES.map((name) => h('option', { value: name }, name)),
  );
  const withdrawn = h('input', { type: 'checkbox' });
  const mode = h('span', { class: 'muted' });
  const canvas = h('div', {});
  const detail = h(
    'aside',
    { class: 'detail', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Choose an edge to see the decision for the pair.'),
  );
  let chosen: GraphEdge | undefined;
  let graph: PeeringGraph;

  const explain = async (edge: GraphEdge) => {
    chosen = edge;
    canvas.querySelectorAll('.edge.selected').forEach((e) => e.classList.remove('selected'));
    canvas.querySelector(`.edge[data-id="${CSS.escape(edge.id)}"]`)?.classList.add('selected');
    const asked = edge.services.includes(service.value) || edge.services.length === 0 ? service.value : edge.services[0];
    service.value = asked;
    detail.replaceChildren(edgeFacts(edge), h('p', { class: 'muted' }, 'Asking the decision function…'));
    try {
      const decision = await api<Decision>(
        `/interconnect/decisions${query({ requestor: edge.source, peer: edge.target, service: asked })}`,
      );
      if (chosen === edge) detail.replaceChildren(edgeFacts(edge), explanation(edge, asked, decision));
    } catch (error) {
      detail.replaceChildren(edgeFacts(edge), errorBox(error));
    }
  };

  const draw = () => {
    const shown = graph.nodes.filter((n) => withdrawn.checked || n.status !== 'withdrawn');
    const ids = new Set(shown.map((n) => n.domain));
    const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
    canvas.replaceChildren(
      shown.length ? drawing(shown, edges, (edge) => void explain(edge)) : h('p', { class: 'empty' }, 'No members yet.'),
    );
    mode.textContent = `Federation mode: ${graph.mode === 'open' ? 'open (every active pair may interconnect)' : 'by agreement'}`;
  };

  const load = async () => {
    graph = await api<PeeringGraph>('/interconnect/graph');
    draw();
    const again = chosen && graph.edges.find((e) => e.id === chosen?.id);
    if (again) await explain(again);
  };

  root.append(
    h(
      'div',
      { class: 'toolbar' },
      h('button', { onclick: () => void load().catch((e) => canvas.replaceChildren(errorBox(e))) }, 'Refresh'),
      h('label', { class: 'inline' }, 'Explain for', service),
      h('label', { class: 'inline' }, withdrawn, 'show withdrawn members'),
      mode,
    ),
    legend(),
    h('div', { class: 'graph-layout' }, canvas, detail),
  );
  service.addEventListener('change', () => chosen && void explain(chosen));
  withdrawn.addEventListener('change', draw);
  await load();
};

function drawing(nodes: PeeringGraph['nodes'], edges: GraphEdge[], choose: (edge: GraphEdge) => void): SVGSVGElement {
  const at = layOut(
    nodes.map((n) => n.domain),
    edges,
  );
  const xs = [...at.values()].map((p) => p.x);
  const ys = [...at.values()].map((p) => p.y);
  // at least a fixed area around the drawing, so that a small federation is not blown up to fill the frame
  const [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  const width = Math.max(MIN_WIDTH, Math.max(...xs) - Math.min(...xs) + 2 * PAD);
  const height = Math.max(MIN_HEIGHT, Math.max(...ys) - Math.min(...ys) + 2 * PAD);
  const [minX, minY] = [cx - width / 2, cy - height / 2];
  const byPair = new Map<string, GraphEdge[]>();
  for (const edge of edges) {
    const key = pairKey(edge);
    byPair.set(key, [...(byPair.get(key) ?? []), edge]);
  }
  return s(
    'svg',
    { class: 'graph', viewBox: `${minX} ${minY} ${width} ${height}`, role: 'img', 'aria-label': 'Peering graph' },
    s(
      'defs',
      {},
      s(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M0,0 L10,5 L0,10 z' }),
      ),
    ),
    s('g', {}, ...[...byPair.values()].flatMap((pair) => pair.map((edge, i) => edgeShape(edge, i, pair.length, at, choose)))),
    s('g', {}, ...nodes.map((n) => nodeShape(n, at.get(n.domain) as Point))),
  );
}

const pairKey = (e: GraphEdge) => [e.source, e.target].sort().join(' ');

function edgeShape(edge: GraphEdge, index: number, count: number, at: Map<string, Point>, choose: (edge: GraphEdge) => void) {
  // offsets are taken along the pair in sorted order, so that both directions share one side rule
  const [first, second] = [edge.source, edge.target].sort();
  let [p, q] = edgeSegment(at.get(first) as Point, at.get(second) as Point, index, count, RADIUS + 3);
  if (first !== edge.source) [p, q] = [q, p];
  const line = (cls: string) =>
    s('line', {
      class: cls,
      x1: p.x.toFixed(1),
      y1: p.y.toFixed(1),
      x2: q.x.toFixed(1),
      y2: q.y.toFixed(1),
      'marker-end': cls === 'stroke' && DIRECTED.has(edge.kind) ? 'url(#arrow)' : undefined,
    });
  const label = `${KIND_TITLES[edge.kind]}: ${edge.source} ${DIRECTED.has(edge.kind) ? '→' : '↔'} ${edge.target}`;
  return s(
    'g',
    {
      class: `edge ${edge.kind}${edge.expired ? ' expired' : ''}`,
      'data-id': edge.id,
      'data-kind': edge.kind,
      'data-source': edge.source,
      'data-target': edge.target,
      tabindex: 0,
      role: 'button',
      'aria-label': label,
      onclick: () => choose(edge),
      onkeydown: (event) => {
        if ((event as KeyboardEvent).key === 'Enter' || (event as KeyboardEvent).key === ' ') choose(edge);
      },
    },
    s('title', {}, label),
    line('stroke'),
    line('hit'),
  );
}

function nodeShape(node: PeeringGraph['nodes'][number], p: Point) {
  return s(
    'g',
    { class: `node ${node.status}`, 'data-domain': node.domain, transform: `translate(${p.x.toFixed(1)} ${p.y.toFixed(1)})` },
    s('title', {}, `${node.displayName} (${node.domain}): ${node.status}`),
    s('circle', { r: RADIUS }),
    s('text', { y: RADIUS + 15 }, node.domain),
  );
}

function legend(): HTMLElement {
  const sample = (kind: EdgeKind) =>
    h(
      'span',
      {},
      s(
        'svg',
        { width: 34, height: 10, 'aria-hidden': 'true' },
        s('g', { class: `edge ${kind}` }, s('line', { class: 'stroke', x1: 2, y1: 5, x2: 32, y2: 5 })),
      ),
      ` ${KIND_TITLES[kind]}`,
    );
  return h(
    'p',
    { class: 'legend' },
    ...(Object.keys(KIND_TITLES) as EdgeKind[]).map(sample),
    h('span', {}, 'Nodes: ', badge('active'), ' ', badge('pending'), ' ', badge('suspended'), ' ', badge('withdrawn')),
  );
}

function edgeFacts(edge: GraphEdge): HTMLElement {
  return h(
    'div',
    {},
    h('h2', {}, KIND_TITLES[edge.kind]),
    h(
      'p',
      {},
      h('strong', {}, edge.source),
      DIRECTED.has(edge.kind) ? ' → ' : ' ↔ ',
      h('strong', {}, edge.target),
      edge.expired ? ' (expired)' : '',
    ),
    edge.services.length ? h('p', {}, `Services: ${edge.services.join(', ')}`) : '',
    h('p', { class: 'muted' }, `Since ${when(edge.since)}${edge.expiresAt ? `; expires ${when(edge.expiresAt)}` : ''}`),
    edge.reason ? h('p', {}, `Reason: ${edge.reason}`) : '',
  );
}

function explanation(edge: GraphEdge, service: string, decision: Decision): HTMLElement {
  return h(
    'div',
    { class: 'explanation', 'data-reason': decision.reason },
    h('h2', {}, `Decision for ${service}`),
    h(
      'p',
      {},
      badge(decision.allowed ? 'allowed' : 'denied'),
      ' ',
      h('code', {}, decision.reason),
      decision.validUntil ? ` until ${when(decision.validUntil)}` : '',
    ),
    h('p', { class: 'muted' }, `${edge.source} asking to interconnect with ${edge.target}, decided by the hub now:`),
    table(['Rule', 'Outcome', 'Detail'], decision.rules, (r) => [r.rule, r.outcome, r.detail]),
  );
}
