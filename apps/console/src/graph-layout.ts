import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3-force';

export interface Point {
  x: number;
  y: number;
}

interface LayoutNode extends SimulationNodeDatum {
  id: string;
}

/**
 * Positions for the members with d3-force: linked members pull together, all push apart, nobody
 * overlaps. Run to rest before drawing (no animation), and deterministic (d3-force starts from a
 * fixed spiral and uses a seeded random source), so the same graph is drawn the same way twice.
 */
export function layOut(ids: string[], links: Array<{ source: string; target: string }>): Map<string, Point> {
  const nodes: LayoutNode[] = ids.map((id) => ({ id }));
  const pairs = new Map(links.map((l) => [[l.source, l.target].sort().join(' '), { source: l.source, target: l.target }]));
  forceSimulation(nodes)
    .force(
      'link',
      forceLink<LayoutNode, { source: string; target: string }>([...pairs.values()])
        .id((n) => n.id)
        .distance(170),
    )
    .force('charge', forceManyBody().strength(-700))
    .force('x', forceX(0).strength(0.06))
    .force('y', forceY(0).strength(0.06))
    .force('collide', forceCollide(55))
    .stop()
    .tick(300);
  return new Map(nodes.map((n) => [n.id, { x: n.x ?? 0, y: n.y ?? 0 }]));
}

/**
 * The segment drawn for one of `count` edges between the same two members: parallel to the line
 * between their centres, `index` steps of `gap` to its side, and cut short by `radius` at both ends
 * so that arrows stop at the circles.
 */
export function edgeSegment(a: Point, b: Point, index: number, count: number, radius: number, gap = 9): [Point, Point] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / length, dy / length];
  const offset = (index - (count - 1) / 2) * gap;
  const [ox, oy] = [-uy * offset, ux * offset];
  const cut = Math.min(radius, length / 3);
  return [
    { x: a.x + ox + ux * cut, y: a.y + oy + uy * cut },
    { x: b.x + ox - ux * cut, y: b.y + oy - uy * cut },
  ];
}
