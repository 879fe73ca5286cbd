import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { renderObjects, table } from '../../cli/output.js';
import { SkupperError, usageError } from '../../errors.js';
import type { Network } from '../../network/graph.js';
import type { ServiceEnd } from '../../network/services.js';
import { exclusive } from '../../site/validate.js';
import { compareText } from '../../compare.js';

const FORMATS = ['table', 'yaml', 'json', 'dot', 'mermaid'] as const;

export class NetworkStatusCommand extends ClusterCommand {
  static override paths = [['network', 'status']];
  static override usage = Command.Usage({
    category: 'Network',
    description: 'Show every site and link of the network, across kubeconfig contexts',
    details: `
      Reads each given context in parallel (default: the current one) and shows each site (context, namespace, name, status,
      link access, endpoints) and each link (from, to, status, cost, message). A link is matched to the site it points at by
      endpoint, else by the remote site the controller reports. Flags links that point at no known site, sites nothing links
      to, links both ways and duplicate links. Then each routing key with its connectors and listeners per site: whether each
      listener reaches a connector over the links read, listeners with no connector anywhere or only in another, unlinked
      network, and connectors that select no ready pod. A context that cannot be read is listed with its error; the command
      still succeeds. \`-o dot\` and \`-o mermaid\` draw the network as a graph.
    `,
    examples: [
      ['The network seen from two clusters', '$0 network status --contexts west,east'],
      ['Two namespaces of one context', '$0 network status --contexts prod/team-a,prod/team-b'],
      ['Every context of the kubeconfig, as a Graphviz picture', '$0 network status --all-contexts -o dot | dot -Tsvg > network.svg'],
    ],
  });

  contexts = Option.String('--contexts', { description: 'Comma-separated CONTEXT[/NAMESPACE] list to read (default: the current context)' });
  allContexts = Option.Boolean('--all-contexts', false, { description: 'Read every context of the kubeconfig' });
  output = Option.String('-o,--output', { description: 'Output format: table (default), yaml, json, dot or mermaid' });
  static override defaultTimeout = '10s';

  async run(): Promise<number> {
    const format = this.output ?? 'table';
    if (!(FORMATS as readonly string[]).includes(format)) throw usageError(`invalid output format "${format}": use -o ${FORMATS.join(', -o ')}`);
    exclusive(['--contexts', this.contexts !== undefined], ['--all-contexts', this.allContexts]);
    exclusive(['--context', this.kubeContext !== undefined], ['--all-contexts', this.allContexts]);
    const timeoutMs = this.timeoutMs();
    const { parseSiteRefs, kubeconfigContexts } = await import('../../network/refs.js');
    const env = this.context.env;
    let refs;
    if (this.contexts !== undefined) refs = parseSiteRefs(this.contexts, '--contexts');
    else if (this.allContexts) {
      const { contexts } = await kubeconfigContexts({ kubeconfig: this.kubeconfig, env });
      if (contexts.length === 0) throw usageError('--all-contexts: the kubeconfig defines no contexts');
      refs = contexts.map((context) => ({ context }));
    } else refs = [{ context: this.kubeContext || ((await kubeconfigContexts({ kubeconfig: this.kubeconfig, env })).current ?? '') }];
    const { readContexts } = await import('../../network/read.js');
    const { buildNetwork } = await import('../../network/graph.js');
    const snapshots = await readContexts(refs, this.connectionSettings());
    // Nothing read at all is a failure, not a network of errors: one line, and a non-zero exit.
    if (snapshots.every((s) => s.error)) {
      const first = snapshots[0]!;
      const message = snapshots.length === 1 ? first.error! : `could read none of the ${snapshots.length} contexts: ${snapshots.map((s) => `${s.context || '(current)'}: ${s.error}`).join('; ')}`;
      throw new SkupperError(first.errorCode ?? 'API', message);
    }
    const network = buildNetwork(snapshots);
    if (format === 'json' || format === 'yaml') this.context.stdout.write(await renderObjects([network], format, { single: true }));
    else if (format === 'dot' || format === 'mermaid') {
      const { renderDot, renderMermaid } = await import('../../network/draw.js');
      this.context.stdout.write(format === 'dot' ? renderDot(network) : renderMermaid(network));
    } else this.context.stdout.write(render(network));
    return 0;
  }
}

function render(network: Network): string {
  const label = new Map(network.sites.map((s) => [s.id, s.label]));
  const siteRows = network.sites.map((s) => [s.context, s.namespace, s.name, s.status, s.linkAccess, s.endpoints.join(',') || '-', s.message]);
  for (const c of network.contexts.filter((c) => c.state !== 'ok')) {
    siteRows.push([c.context, c.namespace || '-', '-', { unreachable: 'Unreachable', error: 'Unreadable', 'no-site': 'No site', ok: '' }[c.state], '-', '-', c.error ?? 'no Skupper site in this namespace']);
  }
  siteRows.sort((a, b) => compareText(`${a[0]}/${a[1]}/${a[2]}`, `${b[0]}/${b[1]}/${b[2]}`));
  let text = `Sites:\n${table(['CONTEXT', 'NAMESPACE', 'SITE', 'STATUS', 'LINK ACCESS', 'ENDPOINTS', 'MESSAGE'], siteRows)}`;
  if (network.links.length > 0) {
    const linkRows = network.links.map((l) => [
      l.name,
      l.from ? label.get(l.from) ?? l.from : `?(${l.context}/${l.namespace})`,
      l.to ? label.get(l.to) ?? l.to : `? ${l.target.join(',')}`,
      l.status,
      String(l.cost),
      l.message,
    ]);
    text += `\nLinks:\n${table(['LINK', 'FROM', 'TO', 'STATUS', 'COST', 'MESSAGE'], linkRows)}`;
  } else text += '\nLinks: none\n';
  if (network.services.length > 0) {
    const site = (e: ServiceEnd) => (e.site ? label.get(e.site) ?? e.site : `-(${e.context}/${e.namespace})`);
    const reaches = (e: ServiceEnd) =>
      e.kind === 'listener' ? (e.reachesConnector ? 'a connector' : 'no connector') : e.selectedPods === undefined ? `host ${e.target}` : `${e.selectedPods} ${e.selectedPods === 1 ? 'pod' : 'pods'}`;
    const rows = network.services.flatMap((svc) =>
      [...svc.connectors, ...svc.listeners].map((e) => [svc.routingKey, e.kind, e.name, site(e), String(e.port), e.target, e.status, reaches(e), e.message]),
    );
    text += `\nServices:\n${table(['ROUTING-KEY', 'KIND', 'NAME', 'SITE', 'PORT', 'TARGET', 'STATUS', 'REACHES', 'MESSAGE'], rows)}`;
  }
  text += network.problems.length > 0 ? `\nProblems:\n${network.problems.map((p) => `  ${p.kind}: ${p.message}`).join('\n')}\n` : '\nNo problems found.\n';
  return text;
}
