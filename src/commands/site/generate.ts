import { Command, Option } from 'clipanion';
import { BaseCommand } from '../../cli/base-command.js';
import { parseOutputFormat, renderObjects } from '../../cli/output.js';
import { linkAccessFromFlags, checkName } from '../../site/validate.js';
import { siteManifest } from '../../site/sites.js';

export class SiteGenerateCommand extends BaseCommand {
  static override paths = [['site', 'generate']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: 'Print a Site manifest without touching a cluster',
    details: 'For GitOps: prints the Site that `site create` would make, ready for `kubectl apply -f -`. No cluster is contacted.',
    examples: [
      ['Print a site that accepts links', '$0 site generate west --enable-link-access'],
      ['Print it as JSON for a namespace', '$0 site generate west -n west -o json'],
    ],
  });

  name = Option.String({ name: 'name' });
  enableLinkAccess = Option.Boolean('--enable-link-access', false, { description: 'Allow other sites to link to this one' });
  linkAccessType = Option.String('--link-access-type', { description: 'How link access is exposed (with --enable-link-access)' });
  enableHa = Option.Boolean('--enable-ha', false, { description: 'Run the router with high availability' });
  namespace = Option.String('-n,--namespace', { description: 'Set metadata.namespace in the manifest' });
  output = Option.String('-o,--output', 'yaml', { description: 'Output format: yaml or json (default yaml)' });

  async run(): Promise<number> {
    const name = checkName(this.name);
    const format = parseOutputFormat(this.output)!;
    const linkAccess = linkAccessFromFlags(this.enableLinkAccess, this.linkAccessType);
    if (this.namespace !== undefined) checkName(this.namespace, 'namespace');
    const site = siteManifest({ name, namespace: this.namespace, linkAccess, ha: this.enableHa });
    this.context.stdout.write(await renderObjects([site], format, { single: true }));
    return 0;
  }
}
