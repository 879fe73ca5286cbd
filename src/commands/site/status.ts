import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderObjects, table } from '../../cli/output.js';
import { checkName } from '../../site/validate.js';

export class SiteStatusCommand extends ClusterCommand {
  static override paths = [['site', 'status']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: 'Show the status of the sites in a namespace',
    details: 'Prints NAME STATUS LINK ACCESS MESSAGE for each site, and the endpoints other sites link to when link access is on.',
    examples: [
      ['Show the site of the current namespace', '$0 site status'],
      ['Show one site as YAML', '$0 site status west -o yaml'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  output = Option.String('-o,--output', { description: 'Output format: yaml or json' });

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name);
    const format = parseOutputFormat(this.output);
    const { listSites, resolveSite } = await import('../../site/sites.js');
    const client = await this.client();
    const sites = this.name ? [await resolveSite(client, this.name)] : await listSites(client);
    if (format) {
      this.context.stdout.write(await renderObjects(sites, format, { single: Boolean(this.name) }));
      return 0;
    }
    if (sites.length === 0) {
      this.out(`There is no Skupper site in namespace "${client.namespace}".`);
      return 0;
    }
    const rows = sites.map((s) => [s.metadata.name, s.status?.status ?? 'Pending', linkAccess(s.spec.linkAccess), s.status?.message ?? '']);
    let text = table(['NAME', 'STATUS', 'LINK ACCESS', 'MESSAGE'], rows);
    for (const site of sites) {
      const endpoints = site.status?.endpoints ?? [];
      if (endpoints.length === 0) continue;
      const lines = [...endpoints]
        .sort((a, b) => `${a.group}/${a.name}`.localeCompare(`${b.group}/${b.name}`))
        .map((e) => [e.name ?? '', `${e.host ?? ''}:${e.port ?? ''}`, e.group ?? '']);
      text += `\nEndpoints of site "${site.metadata.name}":\n${table(['ROLE', 'ADDRESS', 'GROUP'], lines)}`;
    }
    this.context.stdout.write(text);
    return 0;
  }
}

function linkAccess(value: string | undefined): string {
  return value && value !== 'none' ? `enabled (${value})` : 'disabled';
}
