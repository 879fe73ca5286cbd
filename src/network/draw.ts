// Draws a network as a graph: Graphviz DOT and Mermaid. Sites are nodes, links are edges labelled
// with cost and status; links that are not Ready are dashed, and what a link points at but no
// known site answers (or a context that could not be read) is a dashed node of its own.
import type { Network, NetworkLink } from './graph.js';

interface Node {
  id: string;
  lines: string[];
  kind: 'site' | 'unknown' | 'unreachable';
}

interface Edge {
  from: string;
  to: string;
  label: string;
  ready: boolean;
}

function graphOf(network: Network): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = network.sites.map((s) => ({ id: s.id, lines: [s.name, `${s.context}/${s.namespace}`, s.status], kind: 'site' }));
  for (const c of network.contexts.filter((c) => c.state === 'unreachable' || c.state === 'error')) {
    nodes.push({ id: `context:${c.context}/${c.namespace}`, lines: [c.context, c.state === 'error' ? 'cannot be read' : 'unreachable'], kind: 'unreachable' });
  }
  const edges: Edge[] = [];
  for (const link of network.links) {
    if (!link.from) continue;
    let to = link.to;
    if (!to) {
      to = `unknown:${link.target.join(',')}`;
      if (!nodes.some((n) => n.id === to)) nodes.push({ id: to, lines: [link.remoteSiteName ? `unknown site ${link.remoteSiteName}` : 'unknown site', ...link.target], kind: 'unknown' });
    }
    edges.push({ from: link.from, to, label: edgeLabel(link), ready: link.ready });
  }
  return { nodes, edges };
}

const edgeLabel = (l: NetworkLink) => `${l.name}: cost ${l.cost}, ${l.status}`;

/** A DOT double-quoted string; lines joined with DOT's own \n escape. */
function dotString(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n')}"`;
}

export function renderDot(network: Network): string {
  const { nodes, edges } = graphOf(network);
  const out = ['digraph "skupper-network" {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  for (const n of nodes) {
    const attrs = [`label=${dotString(n.lines)}`];
    if (n.kind === 'unknown') attrs.push('shape=ellipse', 'style=dashed');
    if (n.kind === 'unreachable') attrs.push('shape=note', 'style=dashed', 'color=red');
    out.push(`  ${dotString([n.id])} [${attrs.join(', ')}];`);
  }
  for (const e of edges) {
    const attrs = [`label=${dotString([e.label])}`];
    if (!e.ready) attrs.push('style=dashed', 'color=red');
    out.push(`  ${dotString([e.from])} -> ${dotString([e.to])} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** Mermaid text: entity codes for the characters its labels cannot hold. */
function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

export function renderMermaid(network: Network): string {
  const { nodes, edges } = graphOf(network);
  const ids = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ['flowchart LR'];
  for (const n of nodes) {
    const text = `"${n.lines.map(mermaidText).join('<br/>')}"`;
    out.push(`  ${ids.get(n.id)}${n.kind === 'site' ? `[${text}]` : `([${text}])`}`);
  }
  for (const e of edges) {
    const arrow = e.ready ? '-->' : '-.->';
    out.push(`  ${ids.get(e.from)} ${arrow}|"${mermaidText(e.label)}"| ${ids.get(e.to)}`);
  }
  const dashed = nodes.filter((n) => n.kind !== 'site').map((n) => ids.get(n.id));
  if (dashed.length > 0) {
    out.push('  classDef missing stroke-dasharray: 4 4, stroke:#c00;');
    out.push(`  class ${dashed.join(',')} missing;`);
  }
  return out.join('\n') + '\n';
}
