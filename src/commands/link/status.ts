import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderObjects, table } from '../../cli/output.js';
import { usageError } from '../../errors.js';
import type { Link } from '../../kube/resources.js';
import { checkName } from '../../site/validate.js';

export class LinkStatusCommand extends ClusterCommand {
  static override paths = [['link', 'status']];
  static override usage = Command.Usage({
    category: 'Links',
    description: 'Show the status of the links of a site',
    details: 'Prints NAME STATUS COST MESSAGE for each link in the namespace, or the details of one link. With `--wait ready` it watches until the links are Ready.',
    examples: [
      ['Show every link', '$0 link status'],
      ['Wait up to two minutes for the links to be ready', '$0 link status --wait ready --timeout 2m'],
      ['Show one link as JSON', '$0 link status link-west-skupper-router -o json'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  output = Option.String('-o,--output', { description: 'Output format: yaml or json' });
  wait = Option.String('--wait', { description: 'ready: watch until every selected link is Ready' });

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name, 'link name');
    const format = parseOutputFormat(this.output);
    if (this.wait !== undefined && this.wait !== 'ready') throw usageError(`invalid --wait "${this.wait}": use --wait ready`);
    const timeoutMs = this.timeoutMs();
    const { listLinks, waitForLinks } = await import('../../link/links.js');
    const client = await this.client();
    let links: Link[];
    if (this.wait) {
      this.progress('Waiting for the links to be ready...');
      links = await waitForLinks(client, this.name ? [this.name] : undefined, timeoutMs);
    } else {
      links = await listLinks(client, this.name);
    }
    if (format) {
      this.context.stdout.write(await renderObjects(links, format, { single: Boolean(this.name) }));
      return 0;
    }
    if (links.length === 0) {
      this.out(`There are no link resources in namespace "${client.namespace}".`);
      return 0;
    }
    if (this.name) {
      this.context.stdout.write(details(links[0]!));
      return 0;
    }
    this.context.stdout.write(linkTable(links));
    return 0;
  }
}

/** NAME STATUS COST MESSAGE, one row per link (also printed by link sites). */
export function linkTable(links: Link[]): string {
  const rows = links.map((l) => [l.metadata.name, l.status?.status ?? 'Pending', String(l.spec.cost ?? 1), l.status?.message ?? '']);
  return table(['NAME', 'STATUS', 'COST', 'MESSAGE'], rows);
}

function details(link: Link): string {
  const endpoints = [...link.spec.endpoints].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')).map((e) => `${e.name}=${e.host}:${e.port}`);
  const rows: [string, string][] = [
    ['Name', link.metadata.name],
    ['Status', link.status?.status ?? 'Pending'],
    ['Cost', String(link.spec.cost ?? 1)],
    ['Message', link.status?.message ?? ''],
    ['Remote site', link.status?.remoteSiteName ?? ''],
    ['Endpoints', endpoints.join(', ')],
    ['Credentials', link.spec.tlsCredentials ?? ''],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(13)}${v}`.trimEnd()).join('\n') + '\n';
}
