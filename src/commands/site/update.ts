import { stays } from '../../cli/stays.js';
import { Command, Option } from 'clipanion';
import { ClusterCommand } from '../../cli/base-command.js';
import { DRY_RUN_HELP, dryRunNote, parseDryRun } from '../../cli/dry-run.js';
import { usageError } from '../../errors.js';
import { linkAccessFromFlags, checkName, checkWaitMode, exclusive } from '../../site/validate.js';

export class SiteUpdateCommand extends ClusterCommand {
  static override paths = [['site', 'update']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: 'Change the settings of a site',
    details: `
      Changes only what the flags ask for; every other field of the Site (settings, labels, annotations, edge) is kept.
      With one site in the namespace the name may be left out.
    `,
    examples: [
      ['Enable link access, so that other sites can link to this one', '$0 site update --enable-link-access'],
      ['Expose link access through a NodePort', '$0 site update west --enable-link-access --link-access-type nodeport'],
      ['Disable link access', '$0 site update --disable-link-access'],
    ],
  });

  name = Option.String({ name: 'name', required: false });
  enableLinkAccess = Option.Boolean('--enable-link-access', { description: 'Allow other sites to link to this one' });
  disableLinkAccess = Option.Boolean('--disable-link-access', { description: 'Stop accepting links from other sites' });
  linkAccessType = Option.String('--link-access-type', { description: 'How link access is exposed (with --enable-link-access)' });
  enableHa = Option.Boolean('--enable-ha', { description: 'Run the router with high availability' });
  disableHa = Option.Boolean('--disable-ha', { description: 'Run a single router' });
  dryRun = Option.String('--dry-run', { description: `Only check: ${DRY_RUN_HELP}` });
  wait = Option.String('--wait', 'ready', { description: 'Wait until the site is ready, configured, or none (default ready)' });

  async run(): Promise<number> {
    if (this.name !== undefined) checkName(this.name);
    const wait = checkWaitMode(this.wait);
    exclusive(['--enable-link-access', this.enableLinkAccess], ['--disable-link-access', this.disableLinkAccess]);
    exclusive(['--enable-ha', this.enableHa], ['--disable-ha', this.disableHa]);
    const linkAccess = linkAccessFromFlags(this.enableLinkAccess, this.linkAccessType) ?? (this.disableLinkAccess ? 'disable' : undefined);
    const ha = this.enableHa ? true : this.disableHa ? false : undefined;
    if (linkAccess === undefined && ha === undefined) {
      throw usageError('nothing to update: pass --enable-link-access, --disable-link-access, --enable-ha or --disable-ha');
    }
    const dryRun = parseDryRun(this.dryRun);
    const timeoutMs = this.timeoutMs();
    const { updateSite, settleSite } = await import('../../site/sites.js');
    const client = await this.client();
    const result = await updateSite(client, this.name, { linkAccess, ha }, { dryRun });
    const name = result.site.metadata.name;
    if (result.changes.length === 0) {
      this.out(`Site "${name}" is unchanged: ${result.unchanged.join(', ')}.`);
      return 0;
    }
    let pending: string | undefined;
    if (wait !== 'none' && !dryRun) {
      const standing = `the change stays: Site "${name}" was updated (${result.changes.join(', ')}) but is not ${wait} yet; check: kubectl skupper site status${client.flags}`;
      (await import('../../interrupt.js')).onInterruptSay(standing);
      if (timeoutMs > 0) this.progress(`Waiting for site "${name}" to be ${wait}...`);
      pending = await settleSite(client, result.site, wait, timeoutMs).catch((err: unknown) => {
        throw stays(err, standing);
      });
    }
    this.out(`Site "${name}" is updated${dryRunNote(dryRun)}: ${result.changes.join(', ')}.${pending ? ` ${pending}` : ''}`);
    return 0;
  }
}
