import { stays } from '../../cli/stays.js';
import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { linkAccessFromFlags, checkName, checkWaitMode } from '../../site/validate.js';

export class SiteCreateCommand extends ClusterCommand {
  static override paths = [['site', 'create']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: 'Create the Skupper site of a namespace',
    details: `
      Creates a Site resource and, unless \`--wait none\`, waits for the Skupper controller to report it ready.
      A namespace holds one site. Enable link access on the site that other sites link to.
    `,
    examples: [
      ['Create a site that accepts links', '$0 site create west --enable-link-access'],
      ['Create a site in another namespace, without waiting', '$0 site create east -n east --wait none'],
      ['Create a site exposed through a load balancer', '$0 site create west --enable-link-access --link-access-type loadbalancer'],
    ],
  });

  name = Option.String({ name: 'name' });
  enableLinkAccess = Option.Boolean('--enable-link-access', false, { description: 'Allow other sites to link to this one' });
  linkAccessType = Option.String('--link-access-type', { description: 'How link access is exposed: default, local, loadbalancer, route, nodeport, ingress, ingress-nginx, contour-http-proxy, gateway (default: default)' });
  enableHa = Option.Boolean('--enable-ha', false, { description: 'Run the router with high availability' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'ready', { description: 'Wait until the site is ready, configured, or none (default ready)' });
  static override defaultTimeout = '3m';

  async run(): Promise<number> {
    const name = checkName(this.name);
    const wait = checkWaitMode(this.wait);
    const linkAccess = linkAccessFromFlags(this.enableLinkAccess, this.linkAccessType);
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { createSite, settleSite } = await import('../../site/sites.js');
    const client = await this.client();
    const { holdInterrupts, onInterruptSay } = await import('../../interrupt.js');
    // A signal while the create is on its way waits for the answer, so the message can say whether the site stands.
    const release = dryRun ? () => undefined : holdInterrupts();
    let site;
    try {
      site = await createSite(client, { name, linkAccess, ha: this.enableHa }, { dryRun });
    } finally {
      release();
    }
    const standing = `Site "${name}" was created but is not ${wait === 'none' ? 'ready' : wait} yet; check: kubectl skupper site status${client.flags}; remove: kubectl skupper site delete${client.flags}`;
    if (!dryRun) onInterruptSay(standing);
    if (wait === 'none' || dryRun) {
      this.out(`Site "${name}" is created${dryRunNote(dryRun)}.`);
      return 0;
    }
    if (timeoutMs > 0) this.progress(`Waiting for site "${name}" to be ${wait}...`);
    const pending = await settleSite(client, site, wait, timeoutMs).catch((err: unknown) => {
      throw stays(err, standing);
    });
    this.out(pending ? `Site "${name}" is created. ${pending}` : `Site "${name}" is ${wait}.`);
    return 0;
  }
}
